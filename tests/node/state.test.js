'use strict';
// One owner of state: what every route and entity shows is TFE's newest word, whatever order the
// facts arrive in, on any replica; and only the plugin's own registry decides what a workspace is.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { mockCredentials } = require('@backstage/backend-test-utils');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');
const { OUTSIDER, defaultNamespaceOnlyPolicy } = require('./policy');

const HOOK = 'hook-token';

function orgConfig(fake, extra = {}) {
  return {
    baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't', webhookToken: HOOK,
    schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } }, refresh: { enabled: false }, ...extra,
  };
}

const currentRun = (org, ws) => org.runs.get(ws.relationships['current-run'].data.id);

for (const databaseId of databaseIds()) {
  describe(`one owner of state on ${databaseId}`, () => {
    test('a decoy Resource with a real workspace\'s annotations authorizes nothing', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 6, seed: 41 });
      const real = org.workspaces.find(w => w.relationships['current-run'].data);
      const runId = real.relationships['current-run'].data.id;
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decoy-'));
      fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), [
        'apiVersion: backstage.io/v1alpha1', 'kind: Resource',
        'metadata:', '  name: decoy', '  annotations:',
        '    terraform.io/organization: acme', `    terraform.io/workspace-id: ${real.id}`,
        '    terraform.io/workspace-name: decoy', `    terraform.io/run-id: ${runId}`,
        '    terraform/organization: acme', '    terraform/workspace: decoy',
        'spec:', '  type: terraform-workspace', '  owner: group:default/outsiders',
      ].join('\n'));
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        features: [defaultNamespaceOnlyPolicy],
        config: {
          catalog: {
            processingInterval: { seconds: 1 },
            locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml'), rules: [{ allow: ['Resource'] }] }],
          },
          terraform: { organizations: [orgConfig(fake)] },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 6, { what: 'the sync' });
      await eventually(async () => (await fetch(`${baseUrl}/api/catalog/entities/by-name/resource/default/decoy`)).ok, { what: 'the decoy' });
      const as = who => ({ headers: { Authorization: mockCredentials.user.header(who) } });
      const api = `${baseUrl}/api/terraform`;

      // The outsider can read the decoy itself...
      assert.equal((await fetch(`${baseUrl}/api/catalog/entities/by-name/resource/default/decoy`, as(OUTSIDER))).status, 200);
      // ...but nothing of the workspace it names, on any route.
      const status = await (await fetch(`${api}/entity/resource/default/decoy/status`, as(OUTSIDER))).json();
      assert.deepEqual(status.workspaces, []);
      for (const route of [
        `/organizations/acme/workspaces/decoy/runs`, `/organizations/acme/workspaces/decoy/latestRun`,
        `/organizations/acme/workspaces/decoy/assessment-results`, `/organizations/acme/workspaces/${real.attributes.name}/runs`,
        `/run/${runId}/status`, `/run/${runId}/summary`, `/run/${runId}/plan-log`,
      ]) {
        const res = await fetch(`${api}${route}`, as(OUTSIDER));
        assert.equal(res.status, 404, `${route} answers 404 to the outsider`);
        assert.doesNotMatch(await res.text(), new RegExp(real.id), `${route} leaks nothing`);
      }
      // The decoy's name is no workspace for anybody; the real one is, for a member.
      assert.equal((await fetch(`${api}/organizations/acme/workspaces/decoy/runs`, as('user:default/member'))).status, 404);
      assert.equal((await fetch(`${api}/run/${runId}/status`, as('user:default/member'))).status, 200);
      const own = await getJson(`${api}/entity/resource/acme/${real.attributes.name}/status`, as('user:default/member'));
      assert.equal(own.workspaces[0].workspace.id, real.id);
    });

    test('a run read while planning shows errored on every route once the refresh saw it', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 8, seed: 43 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: {
          terraform: {
            organizations: [orgConfig(fake, {
              refresh: { schedule: { frequency: { seconds: 2 }, timeout: { minutes: 1 } }, windowMinutes: 15 },
            })],
          },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 8, { what: 'the sync' });
      const ws = org.workspaces.find(w => w.relationships['current-run'].data);
      const name = ws.attributes.name;
      const runId = fake.setRunStatus('acme', ws.id, 'planning');
      const api = `${baseUrl}/api/terraform`;
      await eventually(async () => (await getJson(`${api}/run/${runId}/summary`)).status === 'planning', { what: 'the planning run stored' });

      fake.setRunStatus('acme', ws.id, 'errored', new Date(Date.now() + 1000).toISOString());
      await eventually(async () => (await getJson(`${api}/run/${runId}/status`)).status === 'errored', { what: 'the status route moving on' });
      const entityStatus = await getJson(`${api}/entity/resource/acme/${name}/status`);
      assert.equal(entityStatus.workspaces[0].run.status, 'errored');
      assert.equal(entityStatus.workspaces[0].run.bucket, 'failure');
      const latest = await getJson(`${api}/organizations/acme/workspaces/${name}/latestRun`);
      assert.equal(latest.status, 'errored');
      const entity = await eventually(async () => {
        const e = await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`);
        return e.metadata.annotations['terraform.io/run-status'] === 'errored' && e;
      }, { what: 'the catalog entity' });
      assert.equal(entity.metadata.annotations['terraform.io/run-id'], runId);
      // The summary is read again (it was made stale), and says errored too.
      assert.equal((await getJson(`${api}/run/${runId}/summary`)).status, 'errored');
    });

    test('a webhook applied while a sync runs survives that sync, and so does drift', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 8, seed: 47 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: { terraform: { organizations: [orgConfig(fake, { schedule: { frequency: { seconds: 3 }, timeout: { minutes: 1 } } })] } },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 8, { what: 'the sync' });
      const ws = org.workspaces.find(w => w.relationships['current-run'].data && currentRun(org, w).attributes.status !== 'errored');
      const before = structuredClone(currentRun(org, ws));
      const listings = () => fake.requestsTo('/api/v2/organizations/acme/workspaces').length;

      // Slow syncs, so that the notification lands while one is reading TFE.
      fake.setFaults({ latencyMs: 400 });
      const n0 = listings();
      await eventually(async () => listings() > n0, { what: 'a sync under way' });
      const payload = fake.runNotification('acme', ws.id, 'errored', 'run:errored');
      // TFE's data as that sync read it: the run as it was before.
      org.runs.set(before.id, before);
      assert.equal((await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, payload, HOOK)).status, 202);
      assert.equal((await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, fake.assessmentNotification('acme', ws.id, { drifted: 4 }), HOOK)).status, 202);
      const n1 = listings();
      await eventually(async () => listings() >= n1 + 2, { what: 'two more syncs', timeoutMs: 90_000 });
      fake.clearFaults();

      const entity = await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${ws.attributes.name}`);
      const a = entity.metadata.annotations;
      assert.equal(a['terraform.io/run-status'], 'errored', 'the older snapshot did not revert the notified status');
      assert.equal(a['terraform.io/drift-state'], 'drifted', 'drift survives full syncs');
      assert.equal(a['terraform.io/drift-resources'], '4');
      assert.equal((await getJson(`${baseUrl}/api/terraform/run/${payload.run_id}/status`)).status, 'errored');
    });

    test('drift and checks are known without webhooks, and each assessment is read once', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 6, seed: 59 });
      const [ws, other] = org.workspaces;
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      fake.setAssessment('acme', ws.id, { drifted: 5, checksFailed: 0, checksUnknown: 2, at: '2026-11-20T10:00:00Z' });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: { terraform: { organizations: [orgConfig(fake, { webhookToken: undefined, schedule: { frequency: { seconds: 2 }, timeout: { minutes: 1 } } })] } },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      const entityUrl = name => `${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`;
      const drifted = await eventually(async () => {
        const a = (await getJson(entityUrl(ws.attributes.name))).metadata.annotations;
        return a['terraform.io/drift-state'] === 'drifted' && a;
      }, { what: 'drift from the assessment result' });
      assert.equal(drifted['terraform.io/drift-resources'], '5');
      assert.equal(drifted['terraform.io/drift-checks-unknown'], '2');
      assert.equal(drifted['terraform.io/drift-assessed-at'], '2026-11-20T10:00:00Z');
      const reads = id => fake.requestsTo(`/api/v2/workspaces/${id}/current-assessment-result`).length;

      // A new assessment of another workspace: only that one is read at the next sync.
      const n = fake.requestsTo('/api/v2/organizations/acme/workspaces').length;
      fake.setAssessment('acme', other.id, { drifted: 0, checksFailed: 1, at: '2026-11-20T11:00:00Z' });
      await eventually(async () => (await getJson(entityUrl(other.attributes.name))).metadata.annotations['terraform.io/drift-state'] === 'checks-failed', { what: 'the second assessment' });
      await eventually(async () => fake.requestsTo('/api/v2/organizations/acme/workspaces').length >= n + 2, { what: 'two more syncs' });
      assert.equal(reads(ws.id), 1, 'an assessment already known is not read again');
      assert.equal(reads(other.id), 1);
      const status = await getJson(`${baseUrl}/api/terraform/entity/resource/acme/${ws.attributes.name}/status`);
      assert.equal(status.workspaces[0].drift.state, 'drifted');
    });

    test('the run history shows the newest runs, back-filled once and paced under the run-list limit', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 4, seed: 61 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      const [ws] = org.workspaces;
      const past = [];
      for (let i = 0; i < 25; i++) past.push(fake.addPastRun('acme', ws.id, i % 5 ? 'applied' : 'errored', new Date(Date.UTC(2026, 0, 1 + i)).toISOString()));
      const { backend, baseUrl } = await startBackstage({ databaseId, config: { terraform: { organizations: [orgConfig(fake)] } } });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 4, { what: 'the sync' });
      const api = `${baseUrl}/api/terraform/organizations/acme/workspaces`;
      const names = org.workspaces.map(w => w.attributes.name).join(',');
      const runs = await getJson(`${api}/${names}/runs`);
      const ofWs = runs.filter(r => r.workspace.name === ws.attributes.name);
      assert.ok(ofWs.length >= 20, `at least the newest 20 runs (${ofWs.length})`);
      const newest = [...past].reverse().slice(0, 19);
      for (const id of newest) assert.ok(ofWs.some(r => r.id === id), `${id} is in the history`);
      const lists = fake.log.filter(r => /^\/api\/v2\/workspaces\/[^/]+\/runs$/.test(r.path));
      assert.equal(lists.length, 4, 'one run-list read per workspace');
      for (let i = 1; i < lists.length; i++) {
        assert.ok(lists[i].at - lists[i - 1].at >= 2000, 'run-list reads are spaced at 30 per minute');
      }
      assert.equal(fake.log.filter(r => r.status === 429).length, 0, 'paced under the run-list limit');
      await getJson(`${api}/${names}/runs`);
      assert.equal(fake.log.filter(r => /^\/api\/v2\/workspaces\/[^/]+\/runs$/.test(r.path)).length, 4, 'then kept');
    });

    test('two replicas over one database: one sync, shared webhooks and runs', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 12, seed: 53 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      const config = { terraform: { organizations: [orgConfig(fake)] } };
      const a = await startBackstage({ databaseId, config });
      const b = await startBackstage({ databaseId, config, knex: a.knex });
      t.after(async () => {
        await b.backend.stop();
        await a.backend.stop();
        await fake.close();
      });
      await eventually(async () => (await queryEntities(a.baseUrl, { kind: 'resource', namespace: 'acme' })).length === 12, { what: 'the sync' });
      await new Promise(r => setTimeout(r, 3000));
      assert.equal(fake.requestsTo('/api/v2/organizations/acme/workspaces').length, 1, 'the scheduled sync ran once, on one replica');

      const ws = org.workspaces.find(w => w.relationships['current-run'].data);
      const payload = fake.runNotification('acme', ws.id, 'applying', 'run:applying');
      assert.equal((await FakeTfe.sendNotification(`${a.baseUrl}/api/terraform/notifications/acme`, payload, HOOK)).status, 202);
      const onB = await getJson(`${b.baseUrl}/api/terraform/run/${payload.run_id}/status`);
      assert.equal(onB.status, 'applying', 'a webhook received by one replica is served by the other');
      const status = await getJson(`${b.baseUrl}/api/terraform/entity/resource/acme/${ws.attributes.name}/status`);
      assert.equal(status.workspaces[0].run.status, 'applying');

      const reads = () => fake.requestsTo(`/api/v2/runs/${payload.run_id}`).length;
      const summaryA = await getJson(`${a.baseUrl}/api/terraform/run/${payload.run_id}/summary`);
      const n = reads();
      const summaryB = await getJson(`${b.baseUrl}/api/terraform/run/${payload.run_id}/summary`);
      assert.deepEqual(summaryB, summaryA);
      assert.equal(reads(), n, 'a run read by one replica is stored for both');
    });
  });
}

describe('configuration changes lose nothing', () => {
  test('a new host keeps the entities updating; a removed organization\'s entities leave', async t => {
    const databaseId = databaseIds()[0];
    const acme = generateOrganization({ name: 'acme', workspaces: 5, seed: 67 });
    const globex = generateOrganization({ name: 'globex', workspaces: 3, seed: 71 });
    const first = await startFakeTfe({ organizations: [acme, globex], tokens: { t: ['acme', 'globex'] } });
    const often = fake => orgConfig(fake, { schedule: { frequency: { seconds: 3 }, timeout: { minutes: 1 } } });
    const one = await startBackstage({
      databaseId,
      config: { terraform: { organizations: [often(first), { ...often(first), organization: 'globex', webhookToken: undefined }] } },
    });
    await eventually(async () => (await queryEntities(one.baseUrl, { kind: 'resource', namespace: 'globex' })).length === 3, { what: 'the first sync' });
    await eventually(async () => (await queryEntities(one.baseUrl, { kind: 'resource', namespace: 'acme' })).length === 5, { what: 'the first sync' });
    await one.backend.stop();
    await first.close();

    // The same organization moves to another host (another port here), and globex is removed.
    const ws = acme.workspaces.find(w => w.relationships['current-run'].data);
    const moved = await startFakeTfe({ organizations: [acme], tokens: { t: ['acme'] } });
    const runId = moved.setRunStatus('acme', ws.id, 'errored');
    const two = await startBackstage({ databaseId, knex: one.knex, config: { terraform: { organizations: [often(moved)] } } });
    t.after(async () => {
      await two.backend.stop();
      await moved.close();
    });
    const entity = await eventually(async () => {
      const e = await getJson(`${two.baseUrl}/api/catalog/entities/by-name/resource/acme/${ws.attributes.name}`);
      return e.metadata.annotations['terraform.io/run-status'] === 'errored' && e;
    }, { what: 'the entity updated from the new host' });
    assert.equal(entity.metadata.annotations['terraform.io/run-id'], runId);
    assert.ok(entity.metadata.links.some(l => l.url.startsWith(moved.url)), 'links point at the new host');
    await eventually(async () => (await queryEntities(two.baseUrl, { kind: 'resource', namespace: 'globex' })).length === 0, { what: 'globex gone' });
    assert.equal((await queryEntities(two.baseUrl, { kind: 'resource', namespace: 'acme' })).length, 5);
  });

  test('an organization configured twice, or two sharing a namespace, stop the backend at start-up', async () => {
    const fake = await startFakeTfe({ organizations: [], tokens: {} });
    try {
      for (const [organizations, reason] of [
        [[orgConfig(fake), { ...orgConfig(fake), baseUrl: 'https://tfe.example.com' }], /acme is configured twice/],
        [[orgConfig(fake), { ...orgConfig(fake), organization: 'ACME_' }], /share the catalog namespace acme/],
      ]) {
        await assert.rejects(startBackstage({ databaseId: databaseIds()[0], config: { terraform: { organizations } } }), reason);
      }
    } finally {
      await fake.close();
    }
  });
});

test('a service processed before the first sync gets its dependsOn in the next processing loop after it', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 4, seed: 73 });
  const ws = org.workspaces[0];
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-'));
  fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), [
    'apiVersion: backstage.io/v1alpha1', 'kind: Component',
    `metadata: {name: payments, annotations: {terraform.io/organization: acme, terraform.io/workspace-id: ${ws.id}}}`,
    'spec: {type: service, lifecycle: production, owner: group:default/team-a}', '',
  ].join('\n'));
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    config: {
      catalog: {
        // Far longer than the test: only the refresh keys can bring the relation in time.
        processingInterval: { minutes: 10 },
        locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }],
      },
      terraform: { organizations: [orgConfig(fake, { schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 }, initialDelay: { seconds: 8 } } })] },
    },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  const url = `${baseUrl}/api/catalog/entities/by-name/component/default/payments`;
  const before = await eventually(() => getJson(url), { what: 'the service, before any sync' });
  assert.match(before.metadata.annotations['terraform.io/warnings'] ?? '', /not in the catalog|no workspace/i);
  assert.equal(fake.requestsTo('/api/v2/organizations/acme/workspaces').length, 0, 'processed before the sync');
  const after = await eventually(async () => {
    const e = await getJson(url);
    return e.relations?.some(r => r.type === 'dependsOn' && r.targetRef === `resource:acme/${ws.attributes.name}`.toLowerCase()) && e;
  }, { what: 'dependsOn after the sync', timeoutMs: 45_000 });
  assert.equal(after.metadata.annotations['terraform.io/warnings'], undefined, 'the warning is gone');
});
