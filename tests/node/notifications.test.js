'use strict';
// Live status: signed TFE notifications from the fake reach the catalog by delta mutation and the
// plugin's run routes; anything unsigned, forged, altered, oversized or malformed changes nothing.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');

const HOOK_TOKEN = 'hook-secret-value';
const NONE = { Authorization: 'Bearer mock-none-token' };

for (const databaseId of databaseIds()) {
  describe(`notifications and run routes on ${databaseId}`, () => {
    test('signed notifications update status; bad ones are refused and change nothing', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 20, seed: 5 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { 'tok-acme': ['acme'] } });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: {
          terraform: {
            organizations: [{
              baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 'tok-acme', webhookToken: HOOK_TOKEN,
              defaultOwner: 'group:default/platform', schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
            }],
          },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 20, { what: 'the first sync' });

      const target = org.workspaces.find(w => org.runs.get(w.relationships['current-run'].data?.id)?.attributes.status === 'applied');
      const name = target.attributes.name;
      const entityUrl = `${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`;
      const hook = `${baseUrl}/api/terraform/notifications/acme`;
      const annotations = async () => (await getJson(entityUrl)).metadata.annotations;
      assert.equal((await annotations())['terraform.io/run-status'], 'applied');

      // A signed run notification: the entity changes by delta mutation (the next sync is an hour away).
      const payload = fake.runNotification('acme', target.id, 'errored', 'run:errored');
      const runId = payload.run_id;
      const accepted = await FakeTfe.sendNotification(hook, payload, HOOK_TOKEN);
      assert.equal(accepted.status, 202);
      const updated = await eventually(async () => {
        const a = await annotations();
        return a['terraform.io/run-status'] === 'errored' && a;
      }, { what: 'the notified status in the catalog' });
      assert.equal(updated['terraform.io/run-status-bucket'], 'failure');
      assert.equal(updated['terraform.io/run-id'], runId);

      // The cheap status route, with its ETag.
      const statusUrl = `${baseUrl}/api/terraform/run/${runId}/status`;
      const res = await fetch(statusUrl);
      assert.equal(res.status, 200);
      const status = await res.json();
      assert.deepEqual({ ...status, updatedAt: undefined }, { id: runId, status: 'errored', bucket: 'failure', final: true, updatedAt: undefined });
      const etag = res.headers.get('etag');
      assert.ok(etag);
      assert.equal((await fetch(statusUrl, { headers: { 'If-None-Match': etag } })).status, 304);

      // The summary is fetched from TFE once (the notification alone has no plan details).
      const before = fake.requestsTo(`/api/v2/runs/${runId}`).length;
      const [s1, s2] = await Promise.all([1, 2].map(() => getJson(`${baseUrl}/api/terraform/run/${runId}/summary`)));
      assert.deepEqual(s1, s2);
      assert.equal(fake.requestsTo(`/api/v2/runs/${runId}`).length, before + 1, 'concurrent misses share one TFE request');
      assert.equal(s1.status, 'errored');
      assert.equal(s1.workspace.id, target.id);
      assert.equal(s1.workspace.entityRef, `resource:acme/${name}`);
      assert.equal(s1.links.run, `${fake.url}/app/acme/workspaces/${name}/runs/${runId}`);
      await getJson(`${baseUrl}/api/terraform/run/${runId}/summary`);
      assert.equal(fake.requestsTo(`/api/v2/runs/${runId}`).length, before + 1, 'then served from the plugin state');

      // Refused: each answer has its code, and nothing changes.
      const other = fake.runNotification('acme', target.id, 'applied');
      const otherBody = JSON.stringify(other);
      const crypto = require('node:crypto');
      const sig = body => crypto.createHmac('sha512', HOOK_TOKEN).update(body).digest('hex');
      const post = (body, signature) => fetch(hook, {
        method: 'POST', body, headers: { 'Content-Type': 'application/json', ...(signature ? { 'X-TFE-Notification-Signature': signature } : {}) },
      });
      assert.equal((await post(otherBody)).status, 401, 'unsigned');
      assert.equal((await FakeTfe.sendNotification(hook, other, 'not-the-token')).status, 401, 'forged');
      const altered = otherBody.replace('"applied"', '"planned"');
      assert.notEqual(altered, otherBody);
      assert.equal((await post(altered, sig(otherBody))).status, 401, 'replayed with an altered body');
      const oversized = JSON.stringify({ ...other, padding: 'x'.repeat(100 * 1024) });
      assert.equal((await post(oversized, sig(oversized))).status, 413, 'oversized');
      const malformed = '{"payload_version": 1, "notifications": [';
      const bad = await post(malformed, sig(malformed));
      assert.equal(bad.status, 400, 'malformed');
      assert.match((await bad.json()).error.message, /invalid notification: notification: not JSON/);
      const unknown = JSON.stringify({ ...other, notifications: [{ ...other.notifications[0], trigger: 'run:teleported' }] });
      assert.equal((await post(unknown, sig(unknown))).status, 202, 'unknown trigger');
      assert.equal((await FakeTfe.sendNotification(hook, FakeTfe.verificationNotification(), HOOK_TOKEN)).status, 200, 'verification');
      await new Promise(r => setTimeout(r, 1500));
      assert.equal((await annotations())['terraform.io/run-status'], 'errored', 'no refused notification was applied');
      assert.equal((await getJson(statusUrl)).status, 'errored');

      // Drift from an assessment notification, and the entity status route.
      assert.equal((await FakeTfe.sendNotification(hook, fake.assessmentNotification('acme', target.id, { drifted: 4 }), HOOK_TOKEN)).status, 202);
      await eventually(async () => (await annotations())['terraform.io/drift-state'] === 'drifted', { what: 'drift in the catalog' });
      const page = await getJson(`${baseUrl}/api/terraform/entity/resource/acme/${name}/status`);
      assert.equal(page.workspaces.length, 1);
      assert.equal(page.workspaces[0].run.status, 'errored');
      assert.deepEqual(page.workspaces[0].drift.state, 'drifted');
      assert.equal(page.workspaces[0].drift.resourcesDrifted, '4');

      // Credentials: every route but the webhook and /health needs them.
      for (const path of [`/run/${runId}/status`, `/run/${runId}/summary`, `/entity/resource/acme/${name}/status`]) {
        assert.equal((await fetch(`${baseUrl}/api/terraform${path}`, { headers: NONE })).status, 401, path);
      }
      assert.equal((await fetch(`${baseUrl}/api/terraform/entity/resource/acme/no-such-ws/status`)).status, 404);
      assert.equal((await fetch(`${baseUrl}/api/terraform/run/run-DoesNotExist00001/status`)).status, 404);
    });
  });
}
