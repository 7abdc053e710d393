'use strict';
// Between full syncs, the incremental refresh reads the organization's runs list and updates the
// changed workspaces by delta mutation, without listing the workspaces again.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');

test('a run started after the full sync reaches the catalog through the refresh', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 30, seed: 17 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    config: {
      terraform: {
        organizations: [{
          baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't',
          schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
          refresh: { schedule: { frequency: { seconds: 3 }, timeout: { minutes: 1 } }, windowMinutes: 15 },
        }],
      },
    },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 30, { what: 'the full sync' });
  const listings = fake.requestsTo('/api/v2/organizations/acme/workspaces').length;

  const target = org.workspaces.find(w => org.runs.get(w.relationships['current-run'].data?.id)?.attributes.status !== 'policy_override');
  const runId = fake.setRunStatus('acme', target.id, 'policy_override');
  const entity = await eventually(async () => {
    const e = await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${target.attributes.name}`);
    return e.metadata.annotations['terraform.io/run-status'] === 'policy_override' && e;
  }, { what: 'the refreshed status' });
  assert.equal(entity.metadata.annotations['terraform.io/run-id'], runId);
  assert.equal(entity.metadata.annotations['terraform.io/run-status-bucket'], 'needs-attention');
  assert.ok(fake.requestsTo('/api/v2/organizations/acme/runs').length >= 1, 'read from the runs list');
  assert.equal(fake.requestsTo('/api/v2/organizations/acme/workspaces').length, listings, 'no full listing again');
  assert.equal(fake.log.filter(r => r.status === 429).length, 0, 'within the 30/minute limit of run lists');
});
