'use strict';
// `tfe-catalog port push`, `port actions` and `serve` against the fake TFE and the fake Port.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { startFakeTfe, generateOrganization, FakeTfe } = require('../fake-tfe');
const { startFakePort } = require('../fake-port');

const CLI = path.join(__dirname, '../../target/debug/tfe-catalog');
const ENV = { TFE_TOKEN: 'tok-acme', PORT_CLIENT_ID: 'fake-client', PORT_CLIENT_SECRET: 'fake-secret', HOOK_TOKEN: 'hook-secret' };

const STATUSES = [
  'applied', 'apply_queued', 'applying', 'assessed', 'assessing', 'canceled', 'confirmed', 'cost_estimated',
  'cost_estimating', 'discarded', 'errored', 'fetching', 'fetching_completed', 'force_canceled', 'pending',
  'plan_queued', 'planned', 'planned_and_finished', 'planned_and_saved', 'planning', 'policy_checked',
  'policy_checking', 'policy_override', 'policy_soft_failed', 'post_apply_completed', 'post_apply_running',
  'post_plan_awaiting_decision', 'post_plan_completed', 'post_plan_running', 'pre_apply_awaiting_decision',
  'pre_apply_completed', 'pre_apply_running', 'pre_plan_awaiting_decision', 'pre_plan_completed',
  'pre_plan_running', 'queuing', 'queuing_apply', 'tf_policy_checked', 'tf_policy_override',
];

function tfeCatalog(args, env = {}) {
  return new Promise((resolve, reject) => {
    execFile(CLI, args, { env: { ...process.env, ...ENV, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr }));
  });
}

async function setUp(t, workspaces = 60, portOptions = {}) {
  const org = generateOrganization({ name: 'acme', workspaces, seed: 15 });
  const tfe = await startFakeTfe({ organizations: [org], tokens: { 'tok-acme': ['acme'] }, rateLimit: { enabled: false } });
  const port = await startFakePort(portOptions);
  t.after(() => Promise.all([tfe.close(), port.close()]));
  return { org, tfe, port };
}

const pushArgs = (tfe, port, ...extra) =>
  ['port', 'push', '--url', tfe.url, '--allow-insecure-http', '--org', 'acme', '--token-env', 'TFE_TOKEN', '--port-url', port.url, '--json', ...extra];

async function push(tfe, port, ...extra) {
  const { stdout } = await tfeCatalog(pushArgs(tfe, port, ...extra));
  return JSON.parse(stdout);
}

/** Port's instances of this tool for acme, by workspace id → entity. */
function instances(port) {
  return new Map(port.entities('blueprint_instance')
    .filter(e => e.properties.managed_by === 'tfe-catalog' && e.properties.tfe_organization === 'acme')
    .map(e => [e.properties.workspace_id, e]));
}

/** Port equals TFE: one instance per workspace, titled by its name, with its current run's status. */
function assertPortEqualsTfe(port, org) {
  const byId = instances(port);
  assert.equal(byId.size, org.workspaces.length);
  for (const ws of org.workspaces) {
    const instance = byId.get(ws.id);
    assert.ok(instance, `an instance of ${ws.id}`);
    assert.equal(instance.title, ws.attributes.name);
    const runId = ws.relationships['current-run']?.data?.id ?? null;
    assert.equal(instance.properties.run_id, runId);
    assert.equal(instance.properties.terraform_status, runId ? org.runs.get(runId).attributes.status : null);
  }
  const templates = port.entities('blueprint_template').filter(e => e.properties.managed_by === 'tfe-catalog');
  assert.equal(templates.length, org.modules.length);
  const projects = new Map(port.entities('terraform_project').filter(e => e.properties.managed_by === 'tfe-catalog')
    .map(e => [e.properties.project_id, e.identifier]));
  assert.equal(projects.size, new Set(org.projects.map(p => p.id)).size);
  const related = org.workspaces.filter(ws => projects.has(ws.relationships.project?.data?.id));
  assert.ok(related.length > 0);
  for (const ws of related) assert.equal(byId.get(ws.id).relations.project, projects.get(ws.relationships.project.data.id));
}

test('an instance carries its non-sensitive outputs and only the names of sensitive ones, even when TFE sends a value', async t => {
  const { org, tfe, port } = await setUp(t, 5);
  const ws = org.workspaces[0];
  tfe.setOutputs('acme', ws.id, [
    { name: 'url', value: 'https://payments.acme.example' },
    { name: 'subnet_ids', value: ['subnet-1', 'subnet-2'], type: 'array' },
    { name: 'db_password', value: 'port-sensitive-value-must-not-appear', sensitive: true },
  ]);
  tfe.setFaults({ leakSensitiveOutputs: true });
  assert.deepEqual((await push(tfe, port)).errors, []);
  const instance = instances(port).get(ws.id);
  assert.deepEqual(instance.properties.outputs, { url: 'https://payments.acme.example', subnet_ids: ['subnet-1', 'subnet-2'] });
  assert.deepEqual(instance.properties.sensitive_outputs, ['db_password']);
  assert.ok(!JSON.stringify(port.entities('blueprint_instance')).includes('port-sensitive-value-must-not-appear'));
});

test('a full push creates the blueprints and every entity; a repeated push writes nothing', async t => {
  const { org, tfe, port } = await setUp(t, 130);
  const report = await push(tfe, port);
  assert.deepEqual(report.errors, []);
  assert.equal(report.creates.length, 130 + org.modules.length + org.projects.length);
  assertPortEqualsTfe(port, org);
  const blueprint = port.blueprints.get('blueprint_instance');
  assert.deepEqual(blueprint.schema.properties.status_bucket.enum, ['success', 'failure', 'canceled', 'needs-attention', 'in-progress', 'unknown']);
  assert.equal(blueprint.relations.blueprint.target, 'blueprint_template');
  assert.equal(report.creates.filter(c => c.startsWith('terraform_project/')).length, org.projects.length);
  // A token, 3 blueprint reads, 3 blueprint creates, then bulk upserts of 20: projects, templates, instances.
  const bulks = n => Math.ceil(n / 20);
  assert.equal(report.stats.requests, 1 + 3 + 3 + bulks(org.projects.length) + bulks(org.modules.length) + bulks(130));

  port.log = [];
  const again = await push(tfe, port);
  assert.equal(again.unchanged, 130 + org.modules.length + org.projects.length);
  assert.deepEqual(port.writes(), []);
  assert.equal(again.stats.writes, 0);
});

test('a second push after workspaces were added, renamed and deleted leaves Port equal to TFE and users’ entities alone', async t => {
  const { org, tfe, port } = await setUp(t, 60);
  await push(tfe, port);
  // A Port user's own entities in our blueprints: one plain, one holding an identifier we will want.
  const mine = { identifier: 'my-own-instance', title: 'hand made', properties: { workspace_id: 'ws-handmade' }, relations: {} };
  const squatted = { identifier: 'acme.added-one', title: 'squatter', properties: {}, relations: {} };
  for (const e of [mine, squatted]) {
    const r = await fetch(`${port.url}/v1/auth/access_token`, { method: 'POST', body: JSON.stringify({ clientId: 'fake-client', clientSecret: 'fake-secret' }), headers: { 'content-type': 'application/json' } });
    const { accessToken } = await r.json();
    const created = await fetch(`${port.url}/v1/blueprints/blueprint_instance/entities`, {
      method: 'POST', body: JSON.stringify(e), headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    });
    assert.equal(created.status, 201);
  }
  const before = { mine: port.entity('blueprint_instance', mine.identifier), squatted: port.entity('blueprint_instance', squatted.identifier) };

  tfe.addWorkspace('acme', 'added-one');
  tfe.addWorkspace('acme', 'added-two');
  const renamed = org.workspaces.find(w => w.attributes.name.endsWith('00003'));
  renamed.attributes.name = 'renamed-in-tfe';
  const deleted = org.workspaces.slice(10, 15).map(w => w.id);
  for (const id of deleted) tfe.deleteWorkspace('acme', id);
  const rerun = org.workspaces[20];
  tfe.setRunStatus('acme', rerun.id, 'errored');

  const plan = await tfeCatalog(pushArgs(tfe, port, '--dry-run').filter(a => a !== '--json'));
  assert.match(plan.stdout, /^create blueprint_instance\/acme\.added-two$/m);
  // Identifiers are the entity names, so a rename is a create under the new name and a delete of the old.
  assert.match(plan.stdout, /^create blueprint_instance\/acme\.renamed-in-tfe$/m);
  assert.equal(plan.stdout.match(/^delete /gm).length, 6, 'five deleted workspaces and the old name of the renamed one');
  assert.match(plan.stdout, /^skip blueprint_instance\/acme\.added-one/m);
  assert.deepEqual(plan.stdout.match(/^update .*$/gm), [`update blueprint_instance/acme.${rerun.attributes.name}`]);
  assert.equal(instances(port).size, 60, 'a dry run changes nothing');

  const report = await push(tfe, port);
  assert.deepEqual(report.conflicts, ['blueprint_instance/acme.added-one']);
  assert.equal(report.deletes.length, 6);
  const byId = instances(port);
  for (const id of deleted) assert.ok(!byId.has(id));
  // The squatted identifier stays the user's; every other workspace is in Port as in TFE.
  const withoutSquatted = { ...org, workspaces: org.workspaces.filter(w => w.attributes.name !== 'added-one') };
  assertPortEqualsTfe(port, withoutSquatted);
  assert.deepEqual(port.entity('blueprint_instance', mine.identifier), before.mine);
  assert.deepEqual(port.entity('blueprint_instance', squatted.identifier), before.squatted);
});

test('a push gets through Port 429s, 5xx and an expired token', async t => {
  const { org, tfe, port } = await setUp(t, 100, { rateLimit: { limit: 6, windowSeconds: 1 } });
  port.setFaults({ failNext: [503, 502, 500, 504] });
  port.expireTokens();
  const report = await push(tfe, port);
  assert.deepEqual(report.errors, []);
  assertPortEqualsTfe(port, org);
  assert.ok(report.stats.rateLimited > 0, `429s were met: ${JSON.stringify(report.stats)}`);
  assert.ok(report.stats.retries >= 4 + report.stats.rateLimited);
  assert.ok(port.log.some(r => r.status === 429));

  // Port down for good: the push fails with the reason, and says so.
  port.setFaults({ down: true });
  await assert.rejects(tfeCatalog(pushArgs(tfe, port), {}), e => /gave up on .* after 6 attempts: HTTP 503/.test(e.stderr));
});

test('a push with TFE failing changes nothing in Port', async t => {
  const { org, tfe, port } = await setUp(t, 40);
  await push(tfe, port);
  tfe.deleteWorkspace('acme', org.workspaces[0].id);
  tfe.setFaults({ failPages: { 1: 500 } });
  port.log = [];
  await assert.rejects(tfeCatalog(pushArgs(tfe, port)), e => /TFE could not be read; nothing was changed in Port/.test(e.stderr));
  assert.deepEqual(port.log, [], 'Port was not even asked');
  assert.equal(instances(port).size, 40);

  // Wrong Port credentials: a clear error that does not echo the secret.
  tfe.clearFaults();
  await assert.rejects(tfeCatalog(pushArgs(tfe, port), { PORT_CLIENT_SECRET: 'wrong-secret' }),
    e => /Port rejected the client credentials \(401\)/.test(e.stderr) && !e.stderr.includes('wrong-secret'));
});

test('port actions emits Re-run plan and Apply now on blueprint_instance calling the orchestrator', async () => {
  const { stdout } = await tfeCatalog(['port', 'actions', '--url', 'https://orchestrator.example.com/api', '--apply-path', '/runs/{run_id}/apply-now']);
  const actions = JSON.parse(stdout);
  assert.deepEqual(actions.map(a => a.title), ['Re-run plan', 'Apply now']);
  for (const a of actions) assert.equal(a.trigger.blueprintIdentifier, 'blueprint_instance');
  assert.equal(actions[1].invocationMethod.url, 'https://orchestrator.example.com/api/runs/{{ .entity.properties.run_id }}/apply-now');
  assert.ok(!JSON.stringify(actions).includes('terraform.io/api'), 'the tool never calls TFE to trigger runs');
});

/** Starts `tfe-catalog serve`; resolves with its URL. */
async function startServe(t, tfe, port, env = {}) {
  const child = spawn(CLI, ['serve', '--url', tfe.url, '--allow-insecure-http', '--org', 'acme', '--token-env', 'TFE_TOKEN', '--port-url', port.url,
    '--webhook-token-env', 'HOOK_TOKEN', '--listen', '127.0.0.1:0', '--interval-seconds', '3600'], { env: { ...process.env, ...ENV, ...env } });
  t.after(() => child.kill());
  let stderr = '';
  child.stderr.on('data', d => { stderr += d; });
  const line = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('close', code => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { url: JSON.parse(line).url, child, stderr: () => stderr };
}

async function eventually(check, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    try { return check(); } catch (e) { if (Date.now() > until) throw e; }
    await new Promise(r => setTimeout(r, 100));
  }
}

test('serve puts every run status on its instance, in TFE order, and refuses what it cannot trust', async t => {
  const { org, tfe, port } = await setUp(t, 30);
  const serve = await startServe(t, tfe, port);
  await eventually(() => assert.equal(instances(port).size, 30));
  const ws = org.workspaces[4];
  const hook = `${serve.url}/notifications`;
  const base = Date.parse('2026-12-01T10:00:00Z');
  for (const [i, status] of STATUSES.entries()) {
    const payload = tfe.runNotification('acme', ws.id, status);
    payload.notifications[0].run_updated_at = new Date(base + i * 1000).toISOString();
    const res = await FakeTfe.sendNotification(hook, payload, 'hook-secret');
    assert.equal(res.status, 200, await res.text());
    const instance = instances(port).get(ws.id);
    assert.equal(instance.properties.terraform_status, status);
    assert.equal(instance.properties.run_updated_at, payload.notifications[0].run_updated_at);
  }
  // An event older than what Port shows changes nothing.
  const late = tfe.runNotification('acme', ws.id, 'planning');
  late.notifications[0].run_updated_at = new Date(base - 1000).toISOString();
  const res = await FakeTfe.sendNotification(hook, late, 'hook-secret');
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).stale.length, 1);
  assert.equal(instances(port).get(ws.id).properties.terraform_status, STATUSES.at(-1));

  // Unsigned, wrongly signed, another organization: refused, nothing written.
  port.log = [];
  const ok = tfe.runNotification('acme', ws.id, 'applied');
  assert.equal((await FakeTfe.sendNotification(hook, ok)).status, 401);
  assert.equal((await FakeTfe.sendNotification(hook, ok, 'not-the-token')).status, 401);
  const other = { ...ok, organization_name: 'globex' };
  assert.equal((await FakeTfe.sendNotification(hook, other, 'hook-secret')).status, 403);
  assert.deepEqual(port.writes(), []);
  assert.equal((await FakeTfe.sendNotification(hook, FakeTfe.verificationNotification(), 'hook-secret')).status, 200);
});

test('serve will not start without a notification token', async t => {
  const { tfe, port } = await setUp(t, 1);
  await assert.rejects(startServe(t, tfe, port, { HOOK_TOKEN: '' }), /HOOK_TOKEN is empty/);
  const env = { ...ENV };
  delete env.HOOK_TOKEN;
  await assert.rejects(
    new Promise((resolve, reject) => execFile(CLI, ['serve', '--url', tfe.url, '--allow-insecure-http', '--org', 'acme', '--token-env', 'TFE_TOKEN',
      '--port-url', port.url, '--webhook-token-env', 'HOOK_TOKEN_UNSET'], { env }, (e, so, se) => (e ? reject(new Error(se)) : resolve()))),
    /HOOK_TOKEN_UNSET is not set: serve refuses unsigned notifications/,
  );
});

test('the fake Port answers as Port does: tokens, 422 for entities that do not match, 207 on partial bulk', async t => {
  const port = await startFakePort({ tokenTtlSeconds: 1 });
  t.after(() => port.close());
  const call = async (method, p, body, token) => {
    const res = await fetch(`${port.url}${p}`, {
      method, body: body && JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return { status: res.status, body: await res.json() };
  };
  assert.equal((await call('POST', '/v1/auth/access_token', { clientId: 'fake-client', clientSecret: 'nope' })).status, 401);
  const { body: { accessToken, expiresIn } } = await call('POST', '/v1/auth/access_token', { clientId: 'fake-client', clientSecret: 'fake-secret' });
  assert.equal(expiresIn, 1);
  assert.equal((await call('GET', '/v1/blueprints/x')).status, 401);
  const { stdout } = await tfeCatalog(['port', 'blueprints']);
  for (const bp of JSON.parse(stdout)) assert.equal((await call('POST', '/v1/blueprints', bp, accessToken)).status, 201);
  assert.equal((await call('POST', '/v1/blueprints', JSON.parse(stdout)[0], accessToken)).status, 409);

  const bad = await call('POST', '/v1/blueprints/blueprint_instance/entities', { identifier: 'a', properties: { status_bucket: 'great' } }, accessToken);
  assert.equal(bad.status, 422);
  assert.equal(bad.body.ok, false);
  assert.match(bad.body.message, /status_bucket must be one of/);
  const bulk = await call('POST', '/v1/blueprints/blueprint_instance/entities/bulk', { entities: [
    { identifier: 'good', properties: { run_updated_at: '2026-11-01T00:00:00Z' } },
    { identifier: 'bad', properties: { run_updated_at: 'yesterday' } },
    { identifier: 'orphan', relations: { blueprint: 'no-such-template' } },
  ] }, accessToken);
  assert.equal(bulk.status, 207);
  assert.deepEqual(bulk.body.entities.map(e => e.identifier), ['good']);
  assert.deepEqual(bulk.body.errors.map(e => [e.identifier, e.statusCode]), [['bad', 422], ['orphan', 404]]);
  await new Promise(r => setTimeout(r, 1100));
  assert.equal((await call('GET', '/v1/blueprints/blueprint_instance', null, accessToken)).status, 401, 'the token expired');
});

test('instances say whether they are behind their blueprint and which version is newest, templates how many are behind', async t => {
  const { org, tfe, port } = await setUp(t, 130);
  const report = await push(tfe, port);
  assert.deepEqual(report.errors, []);
  assert.equal(port.blueprints.get('blueprint_instance').schema.properties.blueprint_outdated.type, 'boolean');
  assert.equal(port.blueprints.get('blueprint_template').schema.properties.instances_behind.type, 'number');
  const blueprintTag = ws => ws.attributes['tag-names'].find(tag => tag.startsWith('blueprint:'))?.slice('blueprint:'.length);
  const newestRelease = m => m.attributes['version-statuses'].map(v => v.version).filter(v => !v.includes('-')).sort().at(-1);
  const byId = instances(port);
  const seen = new Set();
  for (const ws of org.workspaces.filter(blueprintTag)) {
    const [name, version] = blueprintTag(ws).split('@');
    const module = org.modules.find(m => m.attributes.name === name);
    const { properties } = byId.get(ws.id);
    // 1.0.0 is behind the newest release; the pre-release is newest for itself; no version says nothing.
    const expected = { '1.0.0': [true, newestRelease(module)], '2.0.0-rc.1': [false, '2.0.0-rc.1'] }[version] ?? [null, newestRelease(module)];
    assert.deepEqual([properties.blueprint_outdated, properties.blueprint_latest_version], expected, `${ws.attributes.name} on ${version}`);
    seen.add(version ?? 'none');
  }
  assert.deepEqual([...seen].sort(), ['1.0.0', '2.0.0-rc.1', 'none'], 'every kind of instance was checked');
  const templates = port.entities('blueprint_template').filter(e => e.properties.managed_by === 'tfe-catalog');
  for (const m of org.modules) {
    const template = templates.find(e => e.properties.module_path === `acme/${m.attributes.name}/${m.attributes.provider}`);
    const behind = org.workspaces.filter(ws => blueprintTag(ws) === `${m.attributes.name}@1.0.0`).length;
    assert.equal(template.properties.instances_behind, behind, m.attributes.name);
  }
});
