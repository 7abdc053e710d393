'use strict';
// Secure by default, against a real Backstage backend: webhooks fail closed and apply only to the
// organization whose token signed them; unsafe configuration stops the backend at start-up; the
// token never appears in an error, a log line or a response; plan logs come only from trusted
// hosts, without redirects, and finished ones from the plugin's database; on-demand reads share
// the token's request budget with syncs; sync errors go only to callers who may read the
// organization's entities.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const util = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { coreServices, createServiceFactory } = require('@backstage/backend-plugin-api');
const { mockCredentials } = require('@backstage/backend-test-utils');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { OUTSIDER, outsiderPolicy } = require('./policy');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');
const tfe = require('../../js-shim/src/tfe');

const HOUR = { frequency: { hours: 1 }, timeout: { minutes: 1 } };

/** A root logger that keeps every line (message and metadata) for assertions. */
function capturingLogger() {
  const lines = [];
  class Logger {
    constructor(meta = {}) {
      this.meta = meta;
    }
    child(meta) {
      return new Logger({ ...this.meta, ...meta });
    }
  }
  for (const level of ['error', 'warn', 'info', 'debug']) {
    Logger.prototype[level] = function log(message, meta) {
      lines.push(`${level} ${message} ${meta ? util.inspect(meta, { depth: 5 }) : ''} ${util.inspect(this.meta)}`);
    };
  }
  const factory = createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => new Logger() });
  return { lines, factory };
}

const post = (url, body, headers = {}) => fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
const answer = async res => ({ status: res.status, body: await res.text() });

/** The most API requests (not plan logs) the fake saw in any one-second window since `since`. */
function peakPerSecond(fake, since) {
  const times = fake.log.filter(r => r.at >= since && r.path.startsWith('/api/')).map(r => r.at).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

for (const databaseId of databaseIds()) {
  describe(`security on ${databaseId}`, () => {
    test('unsafe configuration stops the backend at start-up, without quoting the token', async () => {
      const fake = await startFakeTfe({ organizations: [generateOrganization({ name: 'acme', workspaces: 1 })], tokens: { t: ['acme'] } });
      try {
        const base = { organization: 'acme', token: 't', baseUrl: fake.url, allowInsecureHttp: true, schedule: HOUR };
        const cases = [
          [{ token: 'tok-SECRET\r\nX-Injected: yes' }, /terraform\.organizations\[acme\]\.token contains a character that is not printable ASCII at position 11/],
          [{ token: 'tok-SECRET\u0000tail' }, /token contains a character that is not printable ASCII at position 11/],
          [{ token: 'tok-SECRET\n' }, /position 11/],
          [{ webhookToken: '' }, /terraform\.organizations\[acme\]\.webhookToken is empty/],
          [{ webhookToken: 'hook-SECRET\r\n' }, /webhookToken contains a character that is not printable ASCII at position 12/],
          [{ allowInsecureHttp: false }, /baseUrl must use https \(http:\/\/ given\); set allowInsecureHttp: true only for a local test server/],
          [{ baseUrl: 'https://user:SECRET@tfe.example.com' }, /baseUrl must be a plain origin and path/],
        ];
        for (const [override, expected] of cases) {
          const logger = capturingLogger();
          await assert.rejects(
            startBackstage({ databaseId, features: [logger.factory], config: { terraform: { organizations: [{ ...base, ...override }] } } }),
            e => {
              assert.match(e.message, expected);
              assert.doesNotMatch(`${e.message}\n${e.stack}`, /SECRET/, 'the error never quotes a token');
              return true;
            },
            JSON.stringify(override),
          );
          assert.doesNotMatch(logger.lines.join('\n'), /SECRET/, 'no log line quotes a token');
        }
        assert.equal(fake.log.length, 0, 'nothing was sent to TFE');
      } finally {
        await fake.close();
      }
    });

    test('webhooks fail closed and apply only to the organization whose token verified them; plan logs stay on-host', async t => {
      const acme = generateOrganization({ name: 'acme', workspaces: 6, seed: 1 });
      const globex = generateOrganization({ name: 'globex', workspaces: 4, seed: 2 });
      const initech = generateOrganization({ name: 'initech', workspaces: 3, seed: 3 });
      const fake = await startFakeTfe({
        organizations: [acme, globex, initech],
        tokens: { 'tok-acme': ['acme'], 'tok-globex': ['globex'], 'tok-initech': ['initech'] },
      });
      const elsewhere = await startFakeTfe({ organizations: [], tokens: {} });
      const logger = capturingLogger();
      const org = (organization, extra) => ({ organization, token: `tok-${organization}`, baseUrl: fake.url, allowInsecureHttp: true, schedule: HOUR, ...extra });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        features: [logger.factory],
        config: {
          terraform: {
            organizations: [org('acme'), org('globex', { webhookToken: 'hook-globex' }), org('initech', { allowUnsignedNotifications: true })],
          },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
        await elsewhere.close();
      });
      for (const [ns, n] of [['acme', 6], ['globex', 4], ['initech', 3]]) {
        await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: ns })).length === n, { what: `${ns} synced` });
      }
      assert.match(logger.lines.join('\n'), /warn terraform\.organizations \(initech\): allowUnsignedNotifications is set/);

      const hook = organization => `${baseUrl}/api/terraform/notifications/${organization}`;
      const withRun = o => o.workspaces.find(w => w.relationships['current-run'].data);
      const runStatus = async (ns, ws) => (await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/${ns}/${ws.attributes.name}`)).metadata.annotations['terraform.io/run-status'];
      const acmeWs = withRun(acme);
      const acmeBefore = await runStatus('acme', acmeWs);

      // Refused alike: no token configured, an unknown organization, a bad signature.
      const forAcme = JSON.stringify(fake.runNotification('acme', acmeWs.id, 'errored', 'run:errored'));
      const signed = token => ({ 'X-TFE-Notification-Signature': require('node:crypto').createHmac('sha512', token).update(forAcme).digest('hex') });
      const refusals = [
        await answer(await post(hook('acme'), forAcme)),
        await answer(await post(hook('acme'), forAcme, signed('anything'))),
        await answer(await post(hook('no-such-org'), forAcme, signed('hook-globex'))),
        await answer(await post(hook('globex'), forAcme, signed('not-the-token'))),
        await answer(await post(hook('globex'), forAcme)),
      ];
      for (const refusal of refusals) assert.deepEqual(refusal, refusals[0], 'indistinguishable to the caller');
      assert.equal(refusals[0].status, 401);
      assert.match(JSON.parse(refusals[0].body).error.message, /notification refused: it must be signed/);
      const logs = logger.lines.join('\n');
      assert.match(logs, /refused a notification: organization acme has no webhookToken: set terraform\.organizations\[\]\.webhookToken/);
      assert.match(logs, /refused a notification: no organization no-such-org is configured/);
      assert.match(logs, /refused a notification: organization globex: X-TFE-Notification-Signature does not match the body/);
      assert.doesNotMatch(logs, /hook-globex/, 'the webhook token is never logged');

      // Signed with globex's token, about acme's workspace: refused, and acme is unchanged.
      const crossSigned = await post(hook('globex'), forAcme, signed('hook-globex'));
      assert.equal(crossSigned.status, 403);
      assert.match((await crossSigned.json()).error.message, /a notification for organization globex names organization acme/);
      assert.match(logger.lines.join('\n'), /refused a notification: a notification for organization globex names organization acme/);

      // Accepted: globex's own signed notification, and initech's unsigned one (explicitly allowed).
      const globexWs = withRun(globex);
      assert.equal((await FakeTfe.sendNotification(hook('globex'), fake.runNotification('globex', globexWs.id, 'errored', 'run:errored'), 'hook-globex')).status, 202);
      const initechWs = withRun(initech);
      assert.equal((await FakeTfe.sendNotification(hook('initech'), fake.runNotification('initech', initechWs.id, 'errored', 'run:errored'))).status, 202);
      await eventually(async () => (await runStatus('globex', globexWs)) === 'errored', { what: 'globex notified' });
      await eventually(async () => (await runStatus('initech', initechWs)) === 'errored', { what: 'initech notified' });
      assert.equal(await runStatus('acme', acmeWs), acmeBefore, 'no refused notification changed acme');

      // Plan logs: read once for a finished plan, then from the plugin's database.
      const logOf = ws => fetch(`${baseUrl}/api/terraform/run/${ws.relationships['current-run'].data.id}/plan-log`);
      const [first, second] = [withRun(globex), globex.workspaces.filter(w => w.relationships['current-run'].data)[1]];
      const runReads = () => fake.requestsTo('/api/v2/runs/').length;
      const reads = [runReads(), fake.requestsTo('/_archivist/').length];
      const log1 = await logOf(first);
      assert.equal(log1.status, 200);
      assert.match(await log1.text(), /Plan: \d+ to add/);
      assert.equal((await logOf(first)).status, 200);
      assert.deepEqual([runReads(), fake.requestsTo('/_archivist/').length], [reads[0] + 1, reads[1] + 1], 'the second view came from the database');

      // A log-read-url on another host is refused, never fetched, and logged without its signature.
      fake.setFaults({ logHost: elsewhere.url });
      const foreign = await answer(await logOf(second));
      assert.equal(foreign.status, 503);
      assert.doesNotMatch(foreign.body, /signature=|_archivist/);
      assert.equal(elsewhere.log.length, 0, 'the foreign host saw no request');
      assert.match(logger.lines.join('\n'), /refused to read the plan log of run run-\S+ \(globex\): the plan's log-read-url points at host 127\.0\.0\.1, which is neither the configured TFE host nor its archivist/);
      // A redirect from the archivist is not followed.
      fake.setFaults({ redirectLogsTo: `${elsewhere.url}/_archivist/v1/object/plan-x?signature=stolen` });
      const redirected = await answer(await logOf(second));
      assert.equal(redirected.status, 503);
      assert.match(redirected.body, /answered a redirect \(302\), which is not followed/);
      assert.doesNotMatch(redirected.body, /signature=[0-9a-f]|stolen/);
      assert.equal(elsewhere.log.length, 0);
      fake.clearFaults();
      assert.doesNotMatch(logger.lines.join('\n'), /tok-(acme|globex|initech)|hook-globex|signature=[0-9a-f]/);
    });

    test('a burst of 200 summary and plan-log reads stays under the rate limit while a sync completes', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 50, seed: 11 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        config: {
          terraform: {
            organizations: [{
              organization: 'acme', token: 't', baseUrl: fake.url, allowInsecureHttp: true,
              schedule: { frequency: { seconds: 3 }, timeout: { minutes: 1 } }, refresh: { enabled: false },
            }],
          },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 50, { what: 'the first sync' });
      const added = fake.addWorkspace('acme', 'added-during-the-burst');
      const runs = org.workspaces.map(w => w.relationships['current-run'].data?.id).filter(Boolean);
      const paths = [];
      while (paths.length < 200) {
        for (const runId of runs) if (paths.length < 200) paths.push(`/run/${runId}/${paths.length % 2 ? 'plan-log' : 'summary'}`);
      }
      const logReads = fake.requestsTo('/_archivist/').length;
      const start = Date.now();
      const answers = await Promise.all(paths.map(async p => (await fetch(`${baseUrl}/api/terraform${p}`)).status));
      const end = Date.now();
      await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).some(e => e.metadata.name === added.attributes.name), { what: 'the sync after the burst' });

      assert.deepEqual(fake.log.filter(r => r.status === 429), [], 'TFE never had to refuse a request');
      assert.ok(peakPerSecond(fake, start) < 30, `peak ${peakPerSecond(fake, start)} requests in one second`);
      const ok = answers.filter(s => s === 200).length;
      assert.ok(answers.every(s => s === 200 || s === 503), answers.join(','));
      assert.ok(ok >= 180, `${ok} of 200 answered (the rest: the budget's 503 "try again shortly")`);
      const logViews = new Set(paths.filter(p => p.endsWith('plan-log'))).size;
      assert.ok(fake.requestsTo('/_archivist/').length - logReads <= logViews, 'each log read at most once');
      const listings = fake.log.filter(r => r.path === '/api/v2/organizations/acme/workspaces' && r.at >= start && r.status === 200);
      assert.ok(listings.some(r => r.at <= end), 'a sync read the workspaces while the burst was served');
    });

    test('sync errors go only to callers who may read an entity of the organization', async t => {
      const org = generateOrganization({ name: 'acme', workspaces: 3, seed: 7 });
      const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
      fake.setFaults({ down: true });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-catalog-security-'));
      const name = org.workspaces[0].attributes.name;
      fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), [
        'apiVersion: backstage.io/v1alpha1', 'kind: Component',
        `metadata: {name: payments, annotations: {terraform/organization: acme, terraform/workspace: ${name}}}`,
        'spec: {type: service, lifecycle: production, owner: group:default/team-a}', '',
      ].join('\n'));
      const { backend, baseUrl } = await startBackstage({
        databaseId,
        features: [outsiderPolicy],
        config: {
          catalog: { processingInterval: { seconds: 1 }, locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }] },
          terraform: { organizations: [{ baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't', retry: { maxAttempts: 2 }, schedule: HOUR }] },
        },
      });
      t.after(async () => {
        await backend.stop();
        await fake.close();
      });
      const url = `${baseUrl}/api/terraform/organizations/acme/workspaces/${name}/latestRun`;
      const as = user => ({ headers: { Authorization: mockCredentials.user.header(user) } });
      const member = await eventually(async () => {
        const r = await fetch(url, as('user:default/member'));
        return r.status === 503 && r;
      }, { what: 'the failed sync reported to a member' });
      assert.match((await member.json()).error.message, /could not be read from TFE yet: the last sync \(.+\) failed/);
      const outsider = await fetch(url, as(OUTSIDER));
      assert.equal(outsider.status, 404);
      assert.doesNotMatch(await outsider.text(), /sync|TFE|503|127\.0\.0\.1/);
    });
  });
}

test('the TFE client caps bodies without reading them whole and redacts its errors', async t => {
  const big = 4 * 1024 * 1024;
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/redirect')) {
      res.writeHead(301, { Location: 'https://elsewhere.example/?sig=abc' });
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }); // no Content-Length: chunked, read as a stream
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const write = () => {
      while (sent < big) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', write);
      }
      res.end();
    };
    write();
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const log = await tfe.fetchLog(`${origin}/log?signature=s3cret`, { maxBytes: 100_000 });
  assert.equal(log.cut, true);
  assert.equal(log.text.length, 100_000);
  await assert.rejects(tfe.apiGet(`${origin}/api?x=1`, 'tok-SECRET', { maxBytes: 100_000 }), e => {
    assert.equal(e.message, `GET ${origin}/api?[redacted] is larger than the limit of 100000 bytes`);
    return true;
  });
  await assert.rejects(tfe.fetchLog(`${origin}/redirect?signature=s3cret`, { maxBytes: 1000 }), e => {
    assert.match(e.message, /answered a redirect \(301\), which is not followed/);
    assert.doesNotMatch(e.message, /s3cret|sig=abc/);
    return true;
  });
  // Even a token the start-up check would refuse never reaches an error.
  await assert.rejects(tfe.apiGet(`${origin}/api`, 'tok-SECRET\r\nX: y', {}), e => {
    assert.doesNotMatch(`${e.message}`, /SECRET/);
    return true;
  });
});
