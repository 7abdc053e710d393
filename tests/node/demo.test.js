'use strict';
// The README's demo, as a user runs it: a real Backstage backend whose catalog lists the sample
// organization's workspaces.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { eventually, getJson } = require('./backstage');
const { FakeTfe } = require('../fake-tfe');

test('the demo serves the sample organization in a real Backstage catalog', async t => {
  const child = spawn(process.execPath, [path.join(__dirname, '../../demo/start.js'), '--port', '7391'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', d => (output += d));
  child.stderr.on('data', d => (output += d));
  await eventually(() => output.includes('DEMO_READY'), { what: 'the demo to start' });
  const base = /DEMO_READY (\S+)/.exec(output)[1];
  const resources = await eventually(async () => {
    const items = await getJson(`${base}/api/catalog/entities?filter=kind=resource`);
    return items.length === 42 && items;
  }, { what: '42 resources from the sample organization' });
  assert.ok(resources.every(e => e.metadata.namespace === 'acme'));
  // The default owner, or the team named by an owner:team-… tag of the generated data.
  const owners = new Set(resources.map(e => e.spec.owner));
  assert.ok(owners.has('group:default/platform-team'), [...owners].join());
  assert.ok([...owners].every(o => o === 'group:default/platform-team' || /^group:default\/team-[a-z]+$/.test(o)), [...owners].join());
  assert.ok(owners.size > 1, 'some workspaces carry owner tags');
  const curl = /curl -s '([^']+\/by-name\/[^']+)'/.exec(output)[1];
  const one = await getJson(curl);
  assert.equal(one.kind, 'Resource');
  // The pages it prints serve the dev app, and the service's card has its workspace.
  const pages = [...output.matchAll(/^ {2}(http:\/\/\S+\/catalog\/\S+)/gm)].map(m => m[1]);
  assert.equal(pages.length, 4, output);
  for (const page of pages) {
    const res = await fetch(page);
    assert.equal(res.status, 200, page);
    assert.match(await res.text(), /<div id="root">/);
  }
  const status = await eventually(async () => {
    const s = await getJson(`${base}/api/terraform/entity/component/default/payments/status`);
    return s.workspaces.length === 1 && s;
  }, { what: 'the demo service linked to its workspace' });
  assert.ok(status.workspaces[0].run.id.startsWith('run-'));
  assert.ok(!/demo-[a-z0-9]{6,}/.test(output), 'the demo token never reaches the logs');
  // The signed test notification it prints is accepted; the same body unsigned is refused.
  const body = /body='([^']+)'/.exec(output)[1];
  const hookToken = /-hmac '([^']+)'/.exec(output)[1];
  const hook = /'(http:\/\/\S+\/api\/terraform\/notifications\/acme)'/.exec(output)[1];
  assert.equal((await FakeTfe.sendNotification(hook, body, hookToken)).status, 200);
  assert.equal((await FakeTfe.sendNotification(hook, body)).status, 401);
});
