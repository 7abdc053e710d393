'use strict';
// Faults on the wire, through the Node shim's drive loop and the core's planner: each fault of the
// fake TFE, and a 429 storm. A sync either converges to the exact organization or fails with a
// clear error after a bounded number of requests; never a partial snapshot. (That a failed sync
// leaves the catalog unchanged is shown with a real catalog in catalog.test.js.)
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { runSync, SyncFailedError } = require('../../js-shim/src/drive');

const WORKSPACES = 450;

async function withFake(options, fn) {
  const org = generateOrganization({ name: 'acme', workspaces: WORKSPACES, seed: 12 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] }, seed: 99, ...options });
  try {
    return await fn(fake, org);
  } finally {
    await fake.close();
  }
}

const config = (fake, retry = {}) => ({ organization: 'acme', baseUrl: fake.url, retry: { baseDelayMs: 20, maxDelayMs: 200, ...retry } });
const expected = org => WORKSPACES + org.projects.length + org.modules.length;

for (const [name, faults] of [
  ['5xx on a third of the requests', { errorRate: 0.33 }],
  ['bodies cut in half', { truncateRate: 0.3 }],
  ['dropped connections', { dropRate: 0.3 }],
  ['latency', { latencyMs: 150 }],
  ['a workspace deleted between pages', { shift: { afterPage: 2, action: 'delete' } }],
  ['a workspace added between pages', { shift: { afterPage: 1, action: 'add' } }],
]) {
  test(`converges through ${name}`, async () => {
    await withFake({}, async (fake, org) => {
      fake.setFaults(faults);
      const snapshot = await runSync(config(fake, { maxAttempts: 8 }), 't');
      const current = fake.orgs.get('acme').workspaces.length;
      assert.equal(snapshot.entities.filter(e => e.kind === 'Resource').length, current, 'exactly the workspaces TFE has now');
      assert.equal(snapshot.entities.length, current + org.projects.length + org.modules.length);
      const ids = new Set(snapshot.entities.map(e => e.metadata.annotations['terraform.io/workspace-id']).filter(Boolean));
      assert.deepEqual([...ids].sort(), fake.orgs.get('acme').workspaces.map(w => w.id).sort());
      if (faults.shift) assert.equal(snapshot.stats.restarts, 1);
      if (faults.errorRate || faults.truncateRate || faults.dropRate) assert.ok(snapshot.stats.retries > 0);
    });
  });
}

test('the probed rate limit paces the sync: no 429 at all', async () => {
  await withFake({ rateLimit: { perSecond: 5 } }, async (fake, org) => {
    const snapshot = await runSync(config(fake), 't');
    assert.equal(snapshot.entities.length, expected(org));
    assert.equal(snapshot.stats.rateLimited, 0);
    assert.equal(fake.log.filter(r => r.status === 429).length, 0);
  });
});

test('a 429 storm is waited out, not hammered', async () => {
  // TFE says 30 per second, but other tokens of the same user leave this one 3.
  await withFake({ rateLimit: { perSecond: 3, advertised: 30 } }, async (fake, org) => {
    const snapshot = await runSync(config(fake, { maxAttempts: 10 }), 't');
    assert.equal(snapshot.entities.length, expected(org));
    assert.ok(snapshot.stats.rateLimited > 0, 'the storm happened');
    const all = fake.log.length;
    const served = fake.log.filter(r => r.status !== 429).length;
    assert.ok(all <= served * 3, `at most a few 429s per served request (${all - served} 429s for ${served} answers)`);
  });
});

test('a TFE that stays down fails the sync after bounded retries', async () => {
  await withFake({}, async fake => {
    fake.setFaults({ down: true });
    await assert.rejects(runSync(config(fake, { maxAttempts: 4 }), 't'), e => {
      assert.ok(e instanceof SyncFailedError);
      assert.match(e.message, /giving up on .*\/api\/v2\/organizations\/acme\/projects.* after 4 attempts: HTTP 503/);
      return true;
    });
    const projects = fake.log.filter(r => r.path.endsWith('/acme/projects'));
    assert.equal(projects.length, 4, 'four attempts of the first page');
    // Meanwhile, on the free pacing slots, the first pages of the later listings (never a page
    // beyond: no listing's size is known yet).
    assert.ok(fake.log.every(r => r.path === '/api/v2/ping' || new URLSearchParams(r.query).get('page[number]') === '1'));
    fake.clearFaults();
    const snapshot = await runSync(config(fake), 't');
    assert.ok(snapshot.entities.length > WORKSPACES, 'converges once the fault clears');
  });
});
