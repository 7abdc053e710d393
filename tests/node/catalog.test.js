'use strict';
// The spine end to end: the fake TFE → the plugin's provider → the core's planner (wasm) → a real
// Backstage catalog, read back over its REST API.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');

const WORKSPACES = 230; // three pages of 100

for (const databaseId of databaseIds()) {
  describe(`real catalog on ${databaseId}`, () => {
    test('workspaces become processed Resources; a sync failing half-way changes nothing', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: WORKSPACES, seed: 3 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { 'secret-tfe-token': ['acme'] } });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: {
          terraform: {
            organizations: [{
              baseUrl: fake.url, allowInsecureHttp: true,
              organization: 'acme',
              token: 'secret-tfe-token',
              defaultOwner: 'group:default/platform',
              schedule: { frequency: { seconds: 2 }, timeout: { seconds: 60 } },
              retry: { maxAttempts: 2, baseDelayMs: 20 },
            }],
          },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });

      // 1. All workspaces arrive, processed by the real catalog (uid, relations).
      const entities = await eventually(async () => {
        const items = await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' });
        return items.length === WORKSPACES && items;
      }, { what: `${WORKSPACES} resources in namespace acme` });
      const pagesAsked = fake.requestsTo('/api/v2/organizations/acme/workspaces').length;
      assert.ok(pagesAsked >= 3, `paged through the listing (${pagesAsked} requests)`);

      const target = org.workspaces.find(w => org.runs.get(w.relationships['current-run'].data?.id)?.attributes.status === 'applied');
      const name = target.attributes.name;
      const entity = await eventually(async () => {
        const e = await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`);
        return e.relations?.length && e;
      }, { what: `relations on ${name}` });
      assert.ok(entity.metadata.uid, 'stitched by the catalog');
      const relations = entity.relations.map(r => `${r.type} ${r.targetRef}`);
      const ownerTag = target.attributes['tag-names'].find(tag => tag.startsWith('owner:'));
      assert.ok(relations.includes(`ownedBy group:default/${ownerTag ? ownerTag.slice(6) : 'platform'}`), relations.join());
      assert.ok(relations.some(r => r.startsWith('partOf system:acme/')), relations.join());
      assert.equal(entity.spec.type, 'terraform-workspace');
      assert.equal(entity.metadata.annotations['terraform.io/workspace-id'], target.id);
      assert.equal(entity.metadata.annotations['terraform.io/run-status'], 'applied');
      assert.equal(entity.metadata.annotations['terraform.io/run-status-bucket'], 'success');
      assert.equal(entity.metadata.annotations['backstage.io/view-url'], `${fake.url}/app/acme/workspaces/${name}`);
      assert.ok(!JSON.stringify(entities).includes('secret-tfe-token'), 'the token is in no entity');

      // 2. TFE changes, but page 2 now fails on every attempt: the catalog must not move.
      fake.setRunStatus('acme', target.id, 'errored');
      fake.setFaults({ failPages: { 2: 500 } });
      const failedBefore = fake.log.filter(r => r.status === 500).length;
      // Two whole failed syncs (two attempts each), so one finished after the fault for sure.
      await eventually(() => fake.log.filter(r => r.status === 500).length >= failedBefore + 4, {
        what: 'two failed syncs',
      });
      const during = await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`);
      assert.equal(during.metadata.annotations['terraform.io/run-status'], 'applied', 'no partial update');
      const countDuring = (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length;
      assert.equal(countDuring, WORKSPACES, 'nothing removed by a failed sync');

      // 3. Faults clear: the next sync converges.
      fake.clearFaults();
      await eventually(async () => {
        const e = await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`);
        return e.metadata.annotations['terraform.io/run-status'] === 'errored';
      }, { what: 'the new status after faults clear' });
      const after = await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`);
      assert.equal(after.metadata.annotations['terraform.io/run-status-bucket'], 'failure');
    });

    test('/api/terraform/health is public', async t => {
      const { backend, baseUrl } = await startBackstage({ databaseId, config: {} });
      t.after(() => backend.stop());
      const res = await fetch(`${baseUrl}/api/terraform/health`, { headers: { Authorization: 'Bearer mock-none-token' } });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok' });
    });
  });
}
