'use strict';
// Our backend as a drop-in for the GlobalLogic Terraform frontend: its routes and response shapes,
// answered from the plugin's state, and only for workspaces the caller may read.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { mockCredentials } = require('@backstage/backend-test-utils');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');
const { OUTSIDER, outsiderPolicy } = require('./policy');

test('runs, latestRun and assessment-results in the GlobalLogic shapes', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 10, seed: 31 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    features: [outsiderPolicy],
    config: { terraform: { organizations: [{ baseUrl: fake.url, organization: 'acme', token: 't', webhookToken: 'h', schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } } }] } },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 10, { what: 'the sync' });
  const withRuns = org.workspaces.filter(w => w.relationships['current-run'].data);
  const [a, b] = withRuns;
  const api = `${baseUrl}/api/terraform/organizations/acme/workspaces`;
  const before = fake.log.length;

  const runs = await getJson(`${api}/${a.attributes.name}/runs`);
  const current = org.runs.get(a.relationships['current-run'].data.id);
  assert.deepEqual(runs, [{
    id: current.id, message: null, status: current.attributes.status, createdAt: runs[0].createdAt,
    confirmedBy: null, plan: null, workspace: { name: a.attributes.name },
  }]);

  // A newer run arrives by webhook: it is the latest, and both workspaces list together.
  const payload = fake.runNotification('acme', a.id, 'errored', 'run:errored');
  assert.equal((await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, payload, 'h')).status, 202);
  const latest = await eventually(async () => {
    const run = await getJson(`${api}/${a.attributes.name}/latestRun`);
    return run?.id === payload.run_id && run;
  }, { what: 'the notified run as latestRun' });
  assert.equal(latest.status, 'errored');
  const both = await getJson(`${api}/${a.attributes.name},%20${b.attributes.name}/runs`);
  assert.deepEqual(new Set(both.map(r => r.workspace.name)), new Set([a.attributes.name, b.attributes.name]));
  assert.equal(both[0].id, payload.run_id, 'newest first');
  assert.ok(both.every((r, i) => i === 0 || (both[i - 1].createdAt ?? '') >= (r.createdAt ?? '')));

  // Drift, once an assessment notification reported it.
  assert.deepEqual(await getJson(`${api}/${a.attributes.name}/assessment-results`), []);
  await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, fake.assessmentNotification('acme', a.id, { drifted: 2, undrifted: 9 }), 'h');
  const [assessment] = await eventually(async () => {
    const results = await getJson(`${api}/${a.attributes.name}/assessment-results`);
    return results.length && results;
  }, { what: 'an assessment result' });
  assert.equal(assessment.workspaceName, a.attributes.name);
  assert.deepEqual(assessment.driftMetrics, { drifted: true, resourcesDrifted: 2, resourcesUndrifted: 9 });
  assert.deepEqual(assessment.validationMetrics, { allChecksSucceeded: true, checksFailed: 0, checksUnknown: 0, checksPassed: 0 });
  assert.equal(fake.requestsTo('/api/v2/runs').length + fake.requestsTo('/api/v2/workspaces').length, 0, 'no TFE call per page view');
  assert.ok(fake.log.slice(before).every(r => !r.path.includes('/runs')), 'answered from the plugin state');

  // Errors in Backstage's shape; no proxy to workspaces the caller may not read.
  const missing = await fetch(`${api}/no-such-workspace/runs`);
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error.message, /no workspace no-such-workspace of organization acme/);
  const outsider = { headers: { Authorization: mockCredentials.user.header(OUTSIDER) } };
  for (const route of ['runs', 'latestRun', 'assessment-results']) {
    assert.equal((await fetch(`${api}/${a.attributes.name}/${route}`, outsider)).status, 404, route);
  }
  assert.equal((await fetch(`${api}/${a.attributes.name}/runs`, { headers: { Authorization: 'Bearer mock-none-token' } })).status, 401);
});
