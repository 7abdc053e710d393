'use strict';
// Blueprint upgrades and one infrastructure health per service and System, on a real catalog:
// what the annotations say after a sync, that they are filterable through the catalog's own API,
// and that a signed webhook moves a service's and its System's health there and back.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { mockCredentials } = require('@backstage/backend-test-utils');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');

const HOOK = 'hook-token';
const tagOf = (ws, prefix) => ws.attributes['tag-names'].find(tag => tag.startsWith(prefix));

for (const databaseId of databaseIds()) {
  describe(`infrastructure health and blueprint upgrades on ${databaseId}`, () => {
    test('outdated instances, their template and service; health follows webhooks on services and Systems', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 30, seed: 16 });
      const behind = org.workspaces.find(w => tagOf(w, 'blueprint:')?.endsWith('@1.0.0'));
      const onPrerelease = org.workspaces.find(w => tagOf(w, 'blueprint:')?.endsWith('@2.0.0-rc.1'));
      assert.ok(behind && onPrerelease, 'the sample organization has an instance on 1.0.0 and one on the pre-release');
      const moduleName = tagOf(behind, 'blueprint:').slice('blueprint:'.length).split('@')[0];
      const module = org.modules.find(m => m.attributes.name === moduleName);
      const latest = module.attributes['version-statuses'].map(v => v.version).find(v => v !== '1.0.0' && !v.includes('-'));
      const behindCount = org.workspaces.filter(w => tagOf(w, 'blueprint:') === `blueprint:${moduleName}@1.0.0`).length;

      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      // Every run applied, so that one errored run is what makes a service and its System fail.
      for (const ws of org.workspaces) fake.setRunStatus('acme', ws.id, 'applied', '2026-11-20T10:00:00Z');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'health-'));
      fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), [
        'apiVersion: backstage.io/v1alpha1', 'kind: Component',
        'metadata:', '  name: payments', '  annotations:',
        '    terraform.io/organization: acme', `    terraform.io/workspace-id: ${behind.id}`,
        'spec:', '  type: service', '  lifecycle: production', '  owner: group:default/payments',
      ].join('\n'));
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: {
          catalog: {
            // Long enough that only the plugin's refresh of the service (its refresh keys, after a
            // webhook) can bring its new health within the test's time.
            processingInterval: { minutes: 10 },
            locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }],
          },
          terraform: {
            organizations: [{
              baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't', webhookToken: HOOK,
              schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } }, refresh: { enabled: false },
            }],
          },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      const catalog = `${baseUrl}/api/catalog/entities`;
      const entity = (kind, namespace, name) => getJson(`${catalog}/by-name/${kind}/${namespace}/${name}`);
      const annotationsOf = async (kind, namespace, name) => (await entity(kind, namespace, name)).metadata.annotations;
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 30, { what: 'the sync' });

      // The instance on 1.0.0 is behind; the one on the pre-release is current for its rule.
      const instance = await annotationsOf('resource', 'acme', behind.attributes.name);
      assert.equal(instance['terraform.io/blueprint-version'], '1.0.0');
      assert.equal(instance['terraform.io/blueprint-latest-version'], latest);
      assert.equal(instance['terraform.io/blueprint-outdated'], 'true');
      const pre = await annotationsOf('resource', 'acme', onPrerelease.attributes.name);
      assert.equal(pre['terraform.io/blueprint-outdated'], 'false');
      assert.equal(pre['terraform.io/blueprint-latest-version'], '2.0.0-rc.1');
      // The template counts its instances behind; the catalog filters on it.
      const templateName = `${moduleName}-${module.attributes.provider}`;
      assert.equal((await annotationsOf('component', 'acme', templateName))['terraform.io/blueprint-instances-behind'], String(behindCount));
      const outdated = await getJson(`${catalog}?filter=metadata.annotations.terraform.io/blueprint-outdated=true`);
      assert.ok(outdated.some(e => e.metadata.name === behind.attributes.name), 'the instance is filterable as outdated');

      // The service running on it says so, and is healthy.
      const service = await eventually(async () => {
        const a = await annotationsOf('component', 'default', 'payments');
        return a['terraform.io/blueprint-outdated'] === 'true' && a;
      }, { what: 'the service marked outdated' });
      assert.equal(service['terraform.io/blueprint-upgrades'], `acme/${moduleName}/${module.attributes.provider} 1.0.0 → ${latest}`);
      assert.equal(service['terraform.io/health'], 'success');
      const systemName = (await entity('resource', 'acme', behind.attributes.name)).spec.system.split('/')[1];
      assert.equal((await annotationsOf('system', 'acme', systemName))['terraform.io/health'], 'success');

      const failing = async () => (await getJson(`${catalog}?filter=metadata.annotations.terraform.io/health=failure`))
        .map(e => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase()).sort();
      assert.deepEqual(await failing(), []);

      // A signed webhook: the workspace's run errored. Service and System become filterable as failed.
      const hook = `${baseUrl}/api/terraform/notifications/acme`;
      const errored = fake.runNotification('acme', behind.id, 'errored');
      assert.equal((await FakeTfe.sendNotification(hook, errored, HOOK)).status, 202);
      await eventually(async () => {
        const refs = await failing();
        return refs.includes('component:default/payments') && refs.includes(`system:acme/${systemName}`) && refs;
      }, { what: 'the service and its System filterable as failed' });
      const auth = { headers: { Authorization: mockCredentials.user.header() } };
      const status = await getJson(`${baseUrl}/api/terraform/entity/component/default/payments/status`, auth);
      assert.equal(status.health.bucket, 'failure');
      assert.deepEqual(status.workspaces[0].blueprint.outdated, true);
      assert.equal(status.workspaces[0].blueprint.latestVersion, latest);
      const systemStatus = await getJson(`${baseUrl}/api/terraform/entity/system/acme/${systemName}/status`, auth);
      assert.equal(systemStatus.health.bucket, 'failure');
      assert.ok(systemStatus.workspaces.some(w => w.workspace.id === behind.id), 'a System shows its project\'s workspaces');

      // A newer run applied: both move back.
      const now = new Date().toISOString();
      const fixed = {
        ...errored, run_id: 'run-NewerApplied00001', run_created_at: now,
        notifications: [{ ...errored.notifications[0], run_status: 'applied', run_updated_at: now }],
      };
      assert.equal((await FakeTfe.sendNotification(hook, fixed, HOOK)).status, 202);
      await eventually(async () => (await failing()).length === 0, { what: 'nothing failing after the fix' });
      assert.equal((await annotationsOf('component', 'default', 'payments'))['terraform.io/health'], 'success');
      assert.equal((await annotationsOf('system', 'acme', systemName))['terraform.io/health'], 'success');
    });
  });
}
