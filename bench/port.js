'use strict';
// The Port part of the benchmark: `tfe-catalog port push` of generated organizations into the
// fake Port (requests per entity, Port time against Port's rate limit, a repeated push), and
// `tfe-catalog serve`'s notification → Port instance latency. Part of `npm run bench`; alone:
// `node bench/port.js` (after `cargo build --release -p tfe-catalog-host`).
const { execFile, spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../tests/fake-tfe');
const { startFakePort } = require('../tests/fake-port');

const CLI = path.join(__dirname, '..', 'target/release/tfe-catalog');
const ENV = { TFE_TOKEN: 'bench-token', PORT_CLIENT_ID: 'fake-client', PORT_CLIENT_SECRET: 'fake-secret', HOOK_TOKEN: 'bench-hook' };

function push(tfe, port) {
  return new Promise((resolve, reject) => {
    execFile(CLI, ['port', 'push', '--url', tfe.url, '--allow-insecure-http', '--org', 'bench', '--token-env', 'TFE_TOKEN', '--port-url', port.url, '--json'],
      { env: { ...process.env, ...ENV }, maxBuffer: 1 << 30 }, (e, stdout, stderr) => (e ? reject(Object.assign(e, { stderr })) : resolve(JSON.parse(stdout))));
  });
}

/** One organization pushed twice; Port compared with TFE after each. */
async function pushRow(workspaces) {
  const org = generateOrganization({ name: 'bench', workspaces, seed: 1 });
  const tfe = await startFakeTfe({ organizations: [org], tokens: { 'bench-token': ['bench'] } });
  const port = await startFakePort();
  try {
    const first = await push(tfe, port);
    const ids = new Set(port.entities('blueprint_instance').map(e => e.properties.workspace_id));
    const equal = ids.size === org.workspaces.length && org.workspaces.every(w => ids.has(w.id))
      && port.entities('blueprint_template').length === org.modules.length
      && port.entities('terraform_project').length === org.projects.length;
    const entities = first.creates.length;
    port.log = [];
    const second = await push(tfe, port);
    const perSecond = port.rateLimit.limit / port.rateLimit.windowSeconds;
    const bound = first.stats.requests / perSecond;
    return {
      size: `${workspaces} / ${org.projects.length} / ${org.modules.length}`,
      first: `${first.stats.requests} (${(first.stats.requests / entities).toFixed(3)})`,
      time: `${(first.elapsedMs.port / 1000).toFixed(2)} s / ${bound.toFixed(2)} s = ${(first.elapsedMs.port / 1000 / bound).toFixed(2)}x`,
      tfe: `${(first.elapsedMs.tfe / 1000).toFixed(2)} s`,
      second: `${second.stats.requests} / ${port.writes().length}`,
      equal: equal && second.unchanged === entities ? 'yes' : 'NO',
    };
  } finally {
    await Promise.all([tfe.close(), port.close()]);
  }
}

/** Notification sent to `serve` → the fake Port's instance updated (its own clock), 20 events. */
async function liveLatency(samples = 20) {
  const org = generateOrganization({ name: 'bench', workspaces: 100, seed: 8 });
  const tfe = await startFakeTfe({ organizations: [org], tokens: { 'bench-token': ['bench'] } });
  const port = await startFakePort();
  const child = spawn(CLI, ['serve', '--url', tfe.url, '--allow-insecure-http', '--org', 'bench', '--token-env', 'TFE_TOKEN', '--port-url', port.url,
    '--webhook-token-env', 'HOOK_TOKEN', '--listen', '127.0.0.1:0'], { env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const { url } = JSON.parse(await new Promise(r => readline.createInterface({ input: child.stdout }).once('line', r)));
    while (port.entities('blueprint_instance').length < 100) await new Promise(r => setTimeout(r, 50));
    const latencies = [];
    const statuses = ['planning', 'planned', 'applying', 'applied', 'errored'];
    for (let i = 0; i < samples; i++) {
      const ws = org.workspaces[i];
      const payload = tfe.runNotification('bench', ws.id, statuses[i % statuses.length]);
      const sent = Date.now();
      const res = await FakeTfe.sendNotification(`${url}/notifications`, payload, ENV.HOOK_TOKEN);
      if (res.status !== 200) throw new Error(`serve answered ${res.status}: ${await res.text()}`);
      const instance = port.entities('blueprint_instance').find(e => e.properties.workspace_id === ws.id);
      if (instance.properties.terraform_status !== statuses[i % statuses.length]) throw new Error('the event did not reach Port');
      latencies.push(instance.updatedAtMs - sent);
    }
    latencies.sort((a, b) => a - b);
    const pct = p => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    return { p50: pct(50), p95: pct(95), max: latencies.at(-1) };
  } finally {
    child.kill();
    await Promise.all([tfe.close(), port.close()]);
  }
}

async function portSection(sizes) {
  console.log('\nPort (fake Port limited to 15,000 requests per 5 minutes, 50/s; `port push` paces at 40/s):\n');
  console.log('| workspaces / projects / modules | Port requests, first push (per entity) | first push: Port time / rate-limit bound | TFE read | repeated push: Port requests / writes | Port equal to TFE |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const size of sizes) {
    const r = await pushRow(size);
    console.log(`| ${r.size} | ${r.first} | ${r.time} | ${r.tfe} | ${r.second} | ${r.equal} |`);
  }
  const live = await liveLatency();
  console.log(`\nTFE notification sent to \`tfe-catalog serve\` → instance updated in the fake Port (20 run events, 100-workspace organization): p50 ${live.p50} ms, p95 ${live.p95} ms, max ${live.max} ms.`);
}

module.exports = { portSection };

if (require.main === module) {
  const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
  portSection(sizes).then(() => process.exit(0), e => { console.error(e); process.exit(1); });
}
