'use strict';
// Workspace facts at no extra cost, outputs (masked), and who and what triggered a run, on a real
// Backstage backend against the fake TFE: the annotations on the workspace Resource, the status
// route, the output links on the workspace and on the service that depends on it, the run
// summary's trigger, the GlobalLogic routes' confirmedBy, and a sensitive output's value nowhere.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { configurationVersionResources } = require('../fake-tfe/organization');
const { databaseIds, startBackstage, eventually, getJson } = require('./backstage');

const SECRET = 'facts-test-sensitive-value-7Qx2';

/** Every row of every table of the database, as text (SQLite or PostgreSQL). */
async function everyRow(knex) {
  const client = knex.client.config.client;
  const tables = /sqlite/.test(client)
    ? (await knex.raw("select name from sqlite_master where type = 'table'")).map(r => r.name)
    : (await knex.raw("select table_name from information_schema.tables where table_schema = current_schema()")).rows.map(r => r.table_name);
  const out = [];
  for (const table of tables) out.push(JSON.stringify(await knex(table).select()));
  return out.join('\n');
}

test('workspace facts, masked outputs and run triggers reach the catalog, the routes and the card data', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 6, seed: 16 });
  // A VCS-driven workspace with a current run.
  const ws = org.workspaces.find(w => w.attributes['vcs-repo'] && w.relationships['current-run'].data);
  ws.attributes.locked = true;
  ws.relationships['locked-by'] = { data: { id: 'user-FakeTfe000000001', type: 'users' } };
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  fake.setOutputs('acme', ws.id, [
    { name: 'url', value: 'https://payments.acme.example' },
    { name: 'console_url', value: 'javascript:alert(1)' },
    { name: 'backstage_link_grafana', value: 'https://grafana.acme.example/d/pay' },
    { name: 'db_password', value: SECRET, sensitive: true },
    { name: 'subnet_ids', value: ['subnet-1', 'subnet-2'], type: 'array' },
    { name: 'big', value: 'x'.repeat(5000) },
  ]);
  // A TFE that sends a sensitive value anyway: the plugin must still keep none of it.
  fake.setFaults({ leakSensitiveOutputs: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facts-'));
  fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), [
    'apiVersion: backstage.io/v1alpha1', 'kind: Component',
    `metadata: {name: payments, annotations: {terraform.io/organization: acme, terraform.io/workspace-id: ${ws.id}}}`,
    'spec: {type: service, lifecycle: production, owner: group:default/team-a}', '',
  ].join('\n'));
  const { backend, baseUrl, knex } = await startBackstage({
    databaseId: databaseIds()[0],
    config: {
      catalog: { processingInterval: { seconds: 1 }, locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }] },
      terraform: {
        organizations: [{
          baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't',
          schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } }, refresh: { enabled: false },
        }],
      },
    },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  const api = `${baseUrl}/api/terraform`;
  const name = ws.attributes.name;
  const resource = await eventually(
    () => getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`),
    { what: 'the workspace Resource' },
  );

  // Item 1: the listing's facts as annotations.
  const ann = resource.metadata.annotations;
  assert.equal(ann['terraform.io/resource-count'], String(ws.attributes['resource-count']));
  assert.equal(ann['terraform.io/locked'], 'true');
  assert.equal(ann['terraform.io/locked-by'], 'fake-user', 'the lock holder, by username (include=locked_by)');
  assert.equal(ann['terraform.io/latest-change-at'], ws.attributes['latest-change-at']);
  assert.equal(ann['terraform.io/assessments-enabled'], String(ws.attributes['assessments-enabled']));
  assert.equal(ann['terraform.io/output-count'], '6');
  assert.equal(ann['terraform.io/output-sensitive-count'], '1');
  // Item 3: the current run's trigger, from the listing's include (no request per run).
  const run = org.runs.get(ws.relationships['current-run'].data.id);
  const ingress = configurationVersionResources(run, ws)[1].attributes;
  assert.equal(ann['terraform.io/run-triggered-by'], ingress['sender-username']);
  assert.equal(ann['terraform.io/run-commit-sha'], ingress['commit-sha']);
  assert.equal(ann['terraform.io/run-branch'], 'main');
  // Item 2: only conventional http(s) outputs are links.
  const outputLinks = resource.metadata.links.filter(l => l.type === 'terraform-output');
  assert.deepEqual(outputLinks.map(l => [l.title, l.url]), [
    ['url', 'https://payments.acme.example'],
    ['grafana', 'https://grafana.acme.example/d/pay'],
  ]);
  const listings = fake.requestsTo('/api/v2/organizations/acme/workspaces');
  assert.equal(listings.length, 1, 'one listing request for 6 workspaces');
  assert.match(decodeURIComponent(listings[0].query), /include=current_run,current_run\.configuration_version\.ingress_attributes,locked_by,outputs/);
  assert.equal(fake.requestsTo('/api/v2/runs/').length, 0, 'no run read during the sync');

  // The status route: facts, trigger and outputs (sensitive by name only).
  const status = await getJson(`${api}/entity/resource/acme/${name}/status`);
  const [w] = status.workspaces;
  assert.deepEqual(w.facts, {
    resourceCount: ws.attributes['resource-count'], locked: true, lockedBy: 'fake-user',
    latestChangeAt: ws.attributes['latest-change-at'], assessmentsEnabled: ws.attributes['assessments-enabled'],
  });
  assert.equal(w.trigger.by, ingress['sender-username']);
  const byName = Object.fromEntries(w.outputs.map(o => [o.name, o]));
  assert.equal(byName.url.value, 'https://payments.acme.example');
  assert.deepEqual(byName.subnet_ids.value, ['subnet-1', 'subnet-2']);
  assert.deepEqual(byName.db_password, { name: 'db_password', sensitive: true, outputType: 'string' });
  assert.equal(byName.big.value, undefined);
  assert.equal(byName.big.valueBytes, 5002);

  // The service that depends on it: the same output links, titled with the workspace, and the
  // outputs in its status route.
  const service = await eventually(async () => {
    const e = await getJson(`${baseUrl}/api/catalog/entities/by-name/component/default/payments`);
    return (e.metadata.links ?? []).some(l => l.type === 'terraform-output') && e;
  }, { what: 'the output links on the service' });
  assert.deepEqual(service.metadata.links.filter(l => l.type === 'terraform-output').map(l => [l.title, l.url]), [
    [`${name}: url`, 'https://payments.acme.example'],
    [`${name}: grafana`, 'https://grafana.acme.example/d/pay'],
  ]);
  const serviceStatus = await getJson(`${api}/entity/component/default/payments/status`);
  assert.deepEqual(serviceStatus.workspaces[0].outputs, w.outputs);

  // The run summary: who and what, read with the run in one request.
  const summary = await getJson(`${api}/run/${run.id}/summary`);
  assert.equal(summary.trigger.by, ingress['sender-username']);
  assert.equal(summary.trigger.commitSha, ingress['commit-sha']);
  assert.equal(summary.trigger.commitUrl, ingress['commit-url']);
  assert.equal(summary.trigger.byUrl, ingress['sender-html-url']);
  assert.equal(summary.createdBy.username, 'fake-user');
  const runReads = fake.requestsTo(`/api/v2/runs/${run.id}`);
  assert.equal(runReads.length, 1);
  assert.match(decodeURIComponent(runReads[0].query), /configuration_version\.ingress_attributes/);
  // The GlobalLogic routes: the VCS sender is who triggered it, not the API user.
  const latest = await getJson(`${api}/organizations/acme/workspaces/${name}/latestRun`);
  assert.equal(latest.confirmedBy.name, ingress['sender-username']);
  assert.equal(latest.confirmedBy.avatar, ingress['sender-avatar-url']);

  // The sensitive value: in the fake's payload, and nowhere the plugin keeps or serves.
  const listing = await fetch(`${fake.url}/api/v2/organizations/acme/workspaces?include=outputs`, { headers: { Authorization: 'Bearer t' } });
  assert.match(await listing.text(), new RegExp(SECRET), 'the fake did send it');
  const served = [
    JSON.stringify(await getJson(`${baseUrl}/api/catalog/entities?filter=metadata.namespace=acme`)),
    JSON.stringify(await getJson(`${baseUrl}/api/catalog/entities/by-name/component/default/payments`)),
    JSON.stringify(status), JSON.stringify(serviceStatus), JSON.stringify(summary),
    JSON.stringify(await getJson(`${api}/organizations/acme/workspaces/${name}/runs`)),
  ];
  for (const text of served) assert.doesNotMatch(text, new RegExp(SECRET));
  assert.doesNotMatch(await everyRow(knex), new RegExp(SECRET), 'no database row holds it');
});
