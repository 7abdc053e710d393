'use strict';
// The full model in a real Backstage backend: projects, blueprints, instances, services, and two
// organizations side by side.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startFakeTfe, generateOrganization, loadOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');

const relationsOf = e => (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`).sort();

for (const databaseId of databaseIds()) {
  describe(`full model on ${databaseId}`, () => {
    test('systems, blueprints, instances, services and two organizations', async t => {
      const acme = generateOrganization({ name: 'acme', workspaces: 60, seed: 11 });
      // A second organization (another TFE host in real life) whose workspace shares a name with acme's.
      const globex = loadOrganization(path.join(__dirname, '../corpus/workspace-list-with-runs/input'), 'globex');
      const shared = acme.workspaces[0].attributes.name;
      globex.workspaces[0] = structuredClone(globex.workspaces[0]);
      globex.workspaces[0].attributes.name = shared;
      globex.workspaces[0].relationships.organization.data.id = 'globex';
      globex.workspaces[1].relationships.organization.data.id = 'globex';
      const fake = await startFakeTfe({ organizations: [acme, globex], tokens: { 'tok-acme': ['acme'], 'tok-globex': ['globex'] } });

      const instance = acme.workspaces.find(w => w.attributes['tag-names'].some(tag => tag.startsWith('blueprint:')));
      const byName = acme.workspaces.slice(1, 3).map(w => w.attributes.name);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-catalog-'));
      fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), [
        component('payments-api', { 'terraform.io/organization': 'acme', 'terraform.io/workspace-id': instance.id }),
        component('legacy-app', { 'terraform/organization': 'acme', 'terraform/workspaces': ` ${byName[0]} , ${byName[1]}` }),
        component('broken-app', { 'terraform.io/organization': 'acme', 'terraform.io/workspace-id': 'ws-DoesNotExist0001' }),
      ].join('---\n'));

      const org = (name, token) => ({
        baseUrl: fake.url, allowInsecureHttp: true, organization: name, token, defaultOwner: 'group:default/platform',
        schedule: { frequency: { seconds: 2 }, timeout: { seconds: 60 } }, retry: { maxAttempts: 1 },
      });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: {
          catalog: { processingInterval: { seconds: 1 }, locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }] },
          terraform: { organizations: [org('acme', 'tok-acme'), { ...org('globex', 'tok-globex'), baseUrl: fake.url.replace('127.0.0.1', 'localhost') }] },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      const entity = ref => getJson(`${baseUrl}/api/catalog/entities/by-name/${ref.replace(':', '/')}`);

      // Everything of both organizations arrives, each in its own namespace.
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 60, { what: 'acme resources' });
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'globex' })).length === 2, { what: 'globex resources' });
      const systems = await queryEntities(baseUrl, { kind: 'system', namespace: 'acme' });
      assert.equal(systems.length, acme.projects.length);
      assert.ok(systems.some(s => s.metadata.name === 'default-project' && s.metadata.title === 'Default Project'));
      const templates = await queryEntities(baseUrl, { kind: 'component', namespace: 'acme' });
      assert.equal(templates.length, acme.modules.length);
      assert.ok(templates.every(c => c.metadata.annotations['terraform.io/template'] === 'true' && c.spec.type === 'terraform-blueprint'));

      // A workspace is partOf its project's system, dependsOn its blueprint, ownedBy its owner.
      const blueprint = instance.attributes['tag-names'].find(tag => tag.startsWith('blueprint:')).split(':')[1].split('@')[0];
      const module = acme.modules.find(m => m.attributes.name === blueprint);
      const templateRef = `component:acme/${blueprint}-${module.attributes.provider}`;
      const project = acme.projects.find(p => p.id === instance.relationships.project.data.id);
      const systemRef = `system:acme/${project.attributes.name.toLowerCase().replace(/ /g, '-')}`;
      const ownerTag = instance.attributes['tag-names'].find(tag => tag.startsWith('owner:'));
      const ownerRef = ownerTag ? `group:default/${ownerTag.split(':')[1]}` : 'group:default/platform';
      const ws = await eventually(async () => {
        const e = await entity(`resource:acme/${instance.attributes.name}`);
        return relationsOf(e).includes(`dependsOn ${templateRef}`) && e;
      }, { what: 'instance relations' });
      for (const expected of [`partOf ${systemRef}`, `dependsOn ${templateRef}`, `ownedBy ${ownerRef}`]) {
        assert.ok(relationsOf(ws).includes(expected), `${expected} in ${relationsOf(ws)}`);
      }
      assert.ok(relationsOf(await entity(systemRef)).includes(`hasPart resource:acme/${instance.attributes.name}`));
      assert.ok(relationsOf(await entity(templateRef)).includes(`dependencyOf resource:acme/${instance.attributes.name}`));

      // Services annotated with workspaces depend on them; a missing workspace is a visible warning.
      const payments = await eventually(async () => {
        const e = await entity('component:default/payments-api');
        return relationsOf(e).includes(`dependsOn resource:acme/${instance.attributes.name}`) && e;
      }, { what: 'payments-api dependsOn its workspace' });
      assert.ok(payments);
      const legacy = await eventually(async () => {
        const e = await entity('component:default/legacy-app');
        return byName.every(n => relationsOf(e).includes(`dependsOn resource:acme/${n}`)) && e;
      }, { what: 'legacy-app dependsOn both workspaces (community keys)' });
      assert.ok(legacy);
      const broken = await eventually(async () => {
        const e = await entity('component:default/broken-app');
        return e.metadata.annotations['terraform.io/warnings'] && e;
      }, { what: 'a warning on broken-app' });
      assert.match(broken.metadata.annotations['terraform.io/warnings'], /workspace id ws-DoesNotExist0001 of organization acme is not in the catalog/);
      assert.ok(!relationsOf(broken).some(r => r.startsWith('dependsOn')));

      // The colliding workspace name lives in both namespaces.
      const a = await entity(`resource:acme/${shared}`);
      const g = await entity(`resource:globex/${shared}`);
      assert.notEqual(a.metadata.annotations['terraform.io/workspace-id'], g.metadata.annotations['terraform.io/workspace-id']);

      // Breaking globex (its token revoked) leaves globex's entities and never touches acme's.
      fake.tokens.delete('tok-globex');
      const before = fake.log.filter(r => r.status === 401).length;
      await eventually(() => fake.log.filter(r => r.status === 401).length >= before + 2, { what: 'two failed globex syncs' });
      fake.setRunStatus('acme', a.metadata.annotations['terraform.io/workspace-id'], 'policy_override');
      await eventually(async () => (await entity(`resource:acme/${shared}`)).metadata.annotations['terraform.io/run-status'] === 'policy_override', {
        what: 'acme still syncing',
      });
      assert.equal((await queryEntities(baseUrl, { kind: 'resource', namespace: 'globex' })).length, 2);
      assert.deepEqual(await entity(`resource:globex/${shared}`).then(e => e.metadata.annotations), g.metadata.annotations);
    });
  });
}

function component(name, annotations) {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n');
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
${lines}
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
`;
}
