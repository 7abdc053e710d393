'use strict';
// Our backend as a drop-in for the GlobalLogic Terraform frontend: its routes and response shapes,
// answered from the plugin's state, and only for workspaces the caller may read.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { mockCredentials } = require('@backstage/backend-test-utils');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { configurationVersionResources } = require('../fake-tfe/organization');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');
const { OUTSIDER, outsiderPolicy } = require('./policy');

test('runs, latestRun and assessment-results in the GlobalLogic shapes', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 10, seed: 31 });
  // An older run of the first workspace (in its history, not its current run), and a run of a
  // workspace the plugin does not know.
  const first = org.workspaces.find(w => w.relationships['current-run'].data);
  const old = structuredClone(org.runs.get(first.relationships['current-run'].data.id));
  old.id = 'run-OlderRunNotCurrent1';
  old.attributes['created-at'] = '2026-01-02T03:04:05.000Z';
  old.attributes.message = 'An older run';
  org.runs.set(old.id, old);
  const stray = structuredClone(old);
  stray.id = 'run-OfNoKnownWorkspace1';
  stray.relationships.workspace.data.id = 'ws-NotInTheCatalog01';
  org.runs.set(stray.id, stray);
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    features: [outsiderPolicy],
    config: { terraform: { organizations: [{ baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't', webhookToken: 'h', schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } } }] } },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 10, { what: 'the sync' });
  const withRuns = org.workspaces.filter(w => w.relationships['current-run'].data);
  const [a, b] = withRuns;
  const api = `${baseUrl}/api/terraform/organizations/acme/workspaces`;

  // The first view back-fills the workspace's history from TFE's run list, once.
  const runs = await getJson(`${api}/${a.attributes.name}/runs`);
  const current = org.runs.get(a.relationships['current-run'].data.id);
  // Who triggered it: the VCS sender of its commit when the workspace is VCS-driven, else its creator.
  const ingress = configurationVersionResources(current, a)[1]?.attributes;
  const triggeredBy = ingress
    ? { name: ingress['sender-username'], avatar: ingress['sender-avatar-url'] }
    : { name: 'fake-user', avatar: 'https://www.gravatar.com/avatar/0' };
  assert.deepEqual(runs.map(r => r.id), [current.id, old.id], 'newest first, runs the plugin never saw included');
  assert.deepEqual(runs[0], {
    id: current.id, message: current.attributes.message, status: current.attributes.status, createdAt: current.attributes['created-at'],
    confirmedBy: triggeredBy,
    plan: { logs: `${baseUrl}/api/terraform/run/${current.id}/plan-log` }, workspace: { name: a.attributes.name },
  });
  assert.equal(runs[1].message, 'An older run');
  assert.equal(fake.requestsTo(`/api/v2/workspaces/${a.id}/runs`).length, 1);
  const before = fake.log.length;

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
  assert.ok(both.some(r => r.id === payload.run_id && r.status === 'errored'), 'the notified status in the list');
  assert.ok(both.every((r, i) => i === 0 || (both[i - 1].createdAt ?? '') >= (r.createdAt ?? '')));

  // Drift, once an assessment notification reported it (newer than any the sync read).
  await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, fake.assessmentNotification('acme', a.id, { drifted: 2, undrifted: 9 }), 'h');
  const [assessment] = await eventually(async () => {
    const results = await getJson(`${api}/${a.attributes.name}/assessment-results`);
    return results[0]?.driftMetrics.resourcesDrifted === 2 && results;
  }, { what: 'the notified assessment result' });
  assert.equal(assessment.workspaceName, a.attributes.name);
  assert.deepEqual(assessment.driftMetrics, { drifted: true, resourcesDrifted: 2, resourcesUndrifted: 9 });
  assert.deepEqual(assessment.validationMetrics, { allChecksSucceeded: true, checksFailed: 0, checksUnknown: 0, checksPassed: 0 });
  const since = fake.log.slice(before).map(r => r.path);
  assert.deepEqual(since, [`/api/v2/workspaces/${b.id}/runs`], 'no TFE call per page view but the other workspace\'s one back-fill');

  // The plan log behind `plan.logs`: read from TFE's pre-signed URL by the plugin, never by the browser.
  const log = await fetch(runs[0].plan.logs, { headers: { Authorization: mockCredentials.user.header() } });
  assert.equal(log.status, 200);
  assert.match(log.headers.get('content-type'), /^text\/plain/);
  assert.match(await log.text(), new RegExp(`Terraform will perform the following actions \\(${current.id}\\)`));
  assert.equal(fake.requestsTo('/_archivist/').length, 1);
  // Who triggered a run is known for a run of the history (its details were read with it).
  const [withUser] = (await getJson(`${api}/${a.attributes.name}/runs`)).filter(r => r.id === current.id);
  assert.deepEqual(withUser.confirmedBy, triggeredBy);

  // Errors in Backstage's shape; no proxy to workspaces the caller may not read.
  const missing = await fetch(`${api}/no-such-workspace/runs`);
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error.message, /no workspace no-such-workspace of organization acme/);
  const outsider = { headers: { Authorization: mockCredentials.user.header(OUTSIDER) } };
  for (const route of ['runs', 'latestRun', 'assessment-results']) {
    assert.equal((await fetch(`${api}/${a.attributes.name}/${route}`, outsider)).status, 404, route);
  }
  // Nor through our own run routes, whether the plugin stored the run or not.
  const unstored = org.runs.get(b.relationships['current-run'].data.id);
  const archivistReads = fake.requestsTo('/_archivist/').length;
  for (const runId of [current.id, payload.run_id, unstored.id]) {
    for (const route of ['status', 'summary', 'plan-log']) {
      const res = await fetch(`${baseUrl}/api/terraform/run/${runId}/${route}`, outsider);
      assert.equal(res.status, 404, `${route} of ${runId}`);
      assert.doesNotMatch(await res.text(), /fake-user|Terraform will perform/);
    }
  }
  assert.equal(fake.requestsTo('/_archivist/').length, archivistReads, 'no plan log read for an outsider');
  // A run of no workspace the plugin knows is not fetched from TFE for anyone.
  const tfeReads = fake.requestsTo('/api/v2/runs').length;
  assert.equal((await fetch(`${baseUrl}/api/terraform/run/${stray.id}/status`, { headers: { Authorization: mockCredentials.user.header() } })).status, 404);
  assert.equal(fake.requestsTo('/api/v2/runs').length, tfeReads);
  assert.equal((await fetch(`${api}/${a.attributes.name}/runs`, { headers: { Authorization: 'Bearer mock-none-token' } })).status, 401);
});

test('TFE down before any sync: both route families say so instead of "not found"', async t => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const org = generateOrganization({ name: 'acme', workspaces: 3, seed: 7 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  fake.setFaults({ down: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-catalog-'));
  const name = org.workspaces[0].attributes.name;
  fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), [
    'apiVersion: backstage.io/v1alpha1', 'kind: Component',
    'metadata: {name: payments, annotations: {terraform/organization: acme, terraform/workspace: ' + name + '}}',
    'spec: {type: service, lifecycle: production, owner: group:default/team-a}', '',
  ].join('\n'));
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    config: {
      catalog: { processingInterval: { seconds: 1 }, locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }] },
      terraform: { organizations: [{ baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't', retry: { maxAttempts: 2 }, schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } } }] },
    },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  const res = await eventually(async () => {
    const r = await fetch(`${baseUrl}/api/terraform/organizations/acme/workspaces/${name}/latestRun`);
    return r.status === 503 && r;
  }, { what: 'a 503 from the drop-in once the sync failed' });
  const { error } = await res.json();
  assert.match(error.message, /Terraform organization acme could not be read from TFE yet: the last sync \(.+\) failed: .*503/);
  assert.doesNotMatch(error.message, /\bt\b.*token|Bearer/);
  const status = await eventually(() => getJson(`${baseUrl}/api/terraform/entity/component/default/payments/status`), { what: 'the entity' });
  assert.deepEqual(status.workspaces, []);
  assert.equal(status.problems.length, 1);
  assert.equal(status.problems[0].noData, true);
  assert.equal(status.problems[0].organization, 'acme');
});
