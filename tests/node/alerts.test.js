'use strict';
// Alerts to owners, on a real backend with Backstage's notifications backend installed: a run that
// fails or waits for a decision, or drift, reaches the members of the groups that own the
// workspace and the services on it, once, whichever replica, webhook or sync reports it; only for
// organizations that turned alerts on, and only for the buckets they chose.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { mockCredentials } = require('@backstage/backend-test-utils');
const notificationsPlugin = require('@backstage/plugin-notifications-backend').default;
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, newDatabase, startBackstage, eventually, getJson } = require('./backstage');

const HOOK = 'hook-token';
const PLATFORM_MEMBER = 'user:default/pat'; // member of group:default/platform, every workspace's owner
const SERVICE_OWNER = 'user:default/alice'; // member of group:default/team-a, owner of the payments service

function orgConfig(fake, organization, extra = {}) {
  return {
    baseUrl: fake.url, allowInsecureHttp: true, organization, token: 't', webhookToken: HOOK,
    defaultOwner: 'group:default/platform', refresh: { enabled: false },
    schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } }, ...extra,
  };
}

/** Two teams with a member each, and a service of team-a running on `workspaceId` of acme. */
function catalogFile(workspaceId) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(file, [
    'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}',
    'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: pat}\nspec: {memberOf: [platform]}',
    'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}',
    'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: alice}\nspec: {memberOf: [team-a]}',
    'apiVersion: backstage.io/v1alpha1\nkind: Component\n' +
      `metadata: {name: payments, annotations: {terraform.io/organization: acme, terraform.io/workspace-id: ${workspaceId}}}\n` +
      'spec: {type: service, lifecycle: production, owner: group:default/team-a}',
  ].join('\n---\n'));
  return { type: 'file', target: file, rules: [{ allow: ['Group', 'User', 'Component'] }] };
}

/** The notifications `user` can read, oldest first. */
async function inbox(baseUrl, user) {
  const headers = { Authorization: mockCredentials.user.header(user) };
  const { notifications } = await getJson(`${baseUrl}/api/notifications/notifications?limit=100`, { headers });
  return notifications.sort((a, b) => String(a.created).localeCompare(String(b.created)));
}

/** Settles background deliveries (alerts never hold up a webhook's answer). */
const pause = ms => new Promise(r => setTimeout(r, ms));

/**
 * A backend with the notifications backend (in a database of its own); pass `of` (another's
 * answer) to start a second replica over the same databases.
 */
async function startWith(databaseId, organizations, location, of = null) {
  const notifications = of?.notifications ?? (await newDatabase(databaseId));
  const started = await startBackstage({
    databaseId,
    knex: of?.knex,
    pluginDatabases: { notifications },
    features: [notificationsPlugin],
    config: {
      app: { baseUrl: 'http://localhost:3000' },
      catalog: { processingInterval: { seconds: 1 }, locations: [location] },
      terraform: { organizations },
    },
  });
  return { ...started, notifications };
}

/** Waits until the payments service depends on the workspace (so its owners are known). */
async function serviceLinked(baseUrl, org, ws) {
  await eventually(async () => {
    const e = await getJson(`${baseUrl}/api/catalog/entities/by-name/component/default/payments`);
    return e.relations?.some(r => r.type === 'dependsOn' && r.targetRef === `resource:${org}/${ws.attributes.name}`.toLowerCase());
  }, { what: 'the service depending on the workspace' });
}

/** Workspaces owned by `defaultOwner` (the fake tags some with another owner). */
const platformOwned = org => org.workspaces.filter(w => !w.attributes['tag-names'].some(t => t.startsWith('owner:')));
const withStatus = (org, status) => platformOwned(org).find(w => org.runs.get(w.relationships['current-run'].data?.id)?.attributes.status === status);

for (const databaseId of databaseIds()) {
  describe(`alerts to owners on ${databaseId}`, () => {
    test('webhooks: once per run and kind across retries and replicas; opt-in per organization; bucket filter', async t => {
      const acme = generateOrganization({ name: 'acme', workspaces: 8, seed: 83 });
      const globex = generateOrganization({ name: 'globex', workspaces: 3, seed: 89 });
      const initech = generateOrganization({ name: 'initech', workspaces: 3, seed: 97 });
      const fake = await startFakeTfe({ organizations: [acme, globex, initech], tokens: { t: ['acme', 'globex', 'initech'] } });
      const failing = withStatus(acme, 'applied');
      const pausing = withStatus(acme, 'discarded');
      const organizations = [
        orgConfig(fake, 'acme', { alerts: { enabled: true } }),
        orgConfig(fake, 'globex'),
        orgConfig(fake, 'initech', { alerts: { enabled: true, buckets: ['drift'] } }),
      ];
      const location = catalogFile(failing.id);
      const a = await startWith(databaseId, organizations, location);
      const b = await startWith(databaseId, organizations, location, a);
      t.after(async () => {
        await b.backend.stop();
        await a.backend.stop();
        await fake.close();
      });
      await serviceLinked(a.baseUrl, 'acme', failing);
      for (const org of ['globex', 'initech']) {
        const name = platformOwned(org === 'globex' ? globex : initech)[0].attributes.name;
        await eventually(async () => (await fetch(`${a.baseUrl}/api/terraform/organizations/${org}/workspaces/${name}/latestRun`)).ok, { what: `${org} synced` });
      }
      const hook = (base, org) => `${base}/api/terraform/notifications/${org}`;
      const send = async (url, payload) => assert.equal((await FakeTfe.sendNotification(url, payload, HOOK)).status, 202);

      // An organization without alerts, and one alerting on drift only: errored runs notify nobody.
      await send(hook(a.baseUrl, 'globex'), fake.runNotification('globex', platformOwned(globex)[0].id, 'errored', 'run:errored'));
      await send(hook(a.baseUrl, 'initech'), fake.runNotification('initech', platformOwned(initech)[0].id, 'errored', 'run:errored'));

      // acme's errored run reaches the workspace's owners and the service's owners.
      const errored = fake.runNotification('acme', failing.id, 'errored', 'run:errored');
      const body = JSON.stringify(errored);
      await send(hook(a.baseUrl, 'acme'), body);
      const [alert] = await eventually(async () => {
        const got = await inbox(a.baseUrl, PLATFORM_MEMBER);
        return got.length > 0 && got;
      }, { what: "the platform member's notification" });
      assert.equal(alert.payload.title, `Terraform run failed: ${failing.attributes.name}`);
      assert.equal(alert.payload.link, `/catalog/acme/resource/${failing.attributes.name}`);
      assert.equal(alert.payload.severity, 'high');
      assert.equal(alert.payload.topic, 'terraform-failure');
      assert.match(alert.payload.description, new RegExp(`Run ${errored.run_id} of workspace ${failing.attributes.name} \\(organization acme\\) ended errored`));
      assert.ok(alert.payload.description.includes(`In TFE: ${errored.run_url}`), alert.payload.description);
      const [forService] = await eventually(async () => {
        const got = await inbox(a.baseUrl, SERVICE_OWNER);
        return got.length > 0 && got;
      }, { what: "the service owner's notification" });
      assert.equal(forService.payload.title, alert.payload.title);

      // The same webhook retried, to either replica: nobody hears of it again.
      await send(hook(a.baseUrl, 'acme'), body);
      await send(hook(b.baseUrl, 'acme'), body);

      // A run that waits for a decision, then for another one, reported to the other replica: the
      // core finds a new move into needs-attention, and the claimed key stops the second alert.
      await send(hook(a.baseUrl, 'acme'), fake.runNotification('acme', pausing.id, 'pre_plan_awaiting_decision', 'run:needs_attention'));
      await eventually(async () => (await inbox(a.baseUrl, PLATFORM_MEMBER)).length === 2, { what: 'the needs-attention alert' });
      await pause(5);
      await send(hook(a.baseUrl, 'acme'), fake.runNotification('acme', pausing.id, 'applying', 'run:applying'));
      await pause(5);
      const waiting = fake.runNotification('acme', pausing.id, 'pre_apply_awaiting_decision', 'run:needs_attention');
      await send(hook(b.baseUrl, 'acme'), waiting);
      const state = await getJson(`${b.baseUrl}/api/terraform/run/${waiting.run_id}/status`);
      assert.equal(state.status, 'pre_apply_awaiting_decision', 'the replica applied the notification');

      await pause(3000);
      const pat = await inbox(b.baseUrl, PLATFORM_MEMBER);
      assert.deepEqual(pat.map(n => n.payload.topic), ['terraform-failure', 'terraform-needs-attention'], 'one alert per run and kind');
      assert.match(pat[1].payload.description, new RegExp(`Run ${waiting.run_id} of workspace ${pausing.attributes.name} .* waiting at pre_plan_awaiting_decision`));
      assert.equal((await inbox(b.baseUrl, SERVICE_OWNER)).length, 1, "the paused workspace has no service: only its owner's members hear of it");
      const claimed = await a.knex('terraform_alerts').orderBy('sent_at').select('organization', 'subject', 'kind');
      assert.deepEqual(claimed, [
        { organization: 'acme', subject: errored.run_id, kind: 'failure' },
        { organization: 'acme', subject: waiting.run_id, kind: 'needs-attention' },
      ]);
    });

    test('syncs: an errored run and new drift found by a sync notify once, and a webhook reporting the same later does not', async t => {
      const acme = generateOrganization({ name: 'acme', workspaces: 5, seed: 101 });
      const fake = await startFakeTfe({ organizations: [acme], tokens: { t: ['acme'] } });
      const ws = withStatus(acme, 'applied');
      const drifting = platformOwned(acme).find(w => w !== ws);
      fake.setAssessment('acme', drifting.id, { drifted: 0, at: '2026-11-20T08:00:00Z' });
      const organizations = [orgConfig(fake, 'acme', {
        alerts: { enabled: true }, schedule: { frequency: { seconds: 2 }, timeout: { minutes: 1 } },
      })];
      const { backend, baseUrl, knex } = await startWith(databaseId, organizations, catalogFile(ws.id));
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      await serviceLinked(baseUrl, 'acme', ws);
      const syncs = () => fake.requestsTo('/api/v2/organizations/acme/workspaces').length;
      await eventually(async () => syncs() >= 2, { what: 'a second sync' });
      assert.deepEqual(await inbox(baseUrl, PLATFORM_MEMBER), [], 'what the first sync found alerts nobody');

      const runId = fake.setRunStatus('acme', ws.id, 'errored');
      fake.setAssessment('acme', drifting.id, { drifted: 2, at: '2026-11-20T09:00:00Z' });
      const got = await eventually(async () => {
        const inbox_ = await inbox(baseUrl, PLATFORM_MEMBER);
        return inbox_.length >= 2 && inbox_;
      }, { what: 'the alerts of the sync' });
      const byKind = Object.fromEntries(got.map(n => [n.payload.topic, n.payload]));
      assert.match(byKind['terraform-failure'].description, new RegExp(`Run ${runId} of workspace ${ws.attributes.name} .* ended errored`));
      assert.equal(byKind['terraform-drift'].title, `Drift detected: ${drifting.attributes.name}`);
      assert.match(byKind['terraform-drift'].description, /at 2026-11-20T09:00:00Z found that 2 resources have drifted/);
      assert.equal(byKind['terraform-drift'].link, `/catalog/acme/resource/${drifting.attributes.name}`);
      await eventually(async () => (await inbox(baseUrl, SERVICE_OWNER)).length === 1, { what: "the service owner's alert" });

      // TFE's webhook for the same errored run arrives after the sync saw it; more syncs run.
      const n = syncs();
      const late = fake.runNotification('acme', ws.id, 'errored', 'run:errored');
      assert.equal((await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, late, HOOK)).status, 202);
      await eventually(async () => syncs() >= n + 2, { what: 'two more syncs' });
      await pause(1000);
      assert.equal((await inbox(baseUrl, PLATFORM_MEMBER)).length, 2, 'still one alert per run and kind');
      assert.equal((await inbox(baseUrl, SERVICE_OWNER)).length, 1);
      assert.equal(Number((await knex('terraform_alerts').count({ n: '*' }))[0].n), 2);
    });
  });
}

test('an unknown bucket, or alerts on with no bucket, stops the backend at start-up, naming the organization', async () => {
  const fake = await startFakeTfe({ organizations: [], tokens: {} });
  try {
    for (const [alerts, reason] of [
      [{ enabled: true, buckets: ['failure', 'success'] }, /terraform\.organizations \(acme\): alerts\.buckets: unknown bucket "success" \(one of failure, needs-attention, drift\)/],
      [{ enabled: true, buckets: [] }, /terraform\.organizations \(acme\): alerts\.buckets is empty/],
    ]) {
      await assert.rejects(startBackstage({ databaseId: databaseIds()[0], config: { terraform: { organizations: [orgConfig(fake, 'acme', { alerts })] } } }), reason);
    }
  } finally {
    await fake.close();
  }
});
