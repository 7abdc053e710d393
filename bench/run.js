#!/usr/bin/env node
'use strict';
// The benchmark (not a test): prints a markdown table of requests vs. the lower bound, wall time
// vs. the rate-limit bound, peak memory, mapping throughput on the three runtimes, and the
// webhook → catalog latency. Run it with `npm run bench` (release build) on an idle machine.
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../tests/fake-tfe');

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'target/release/tfe-catalog');
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000,50000').split(',').map(Number);
const run = (cmd, args, env = {}) => new Promise((resolve, reject) => {
  execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 30 }, (e, stdout, stderr) => (e ? reject(Object.assign(e, { stderr })) : resolve({ stdout, stderr })));
});
const ceil100 = n => Math.ceil(n / 100);

/** One organization's pages, as documents, for the mapping throughput runs. */
async function dumpPages(fake, org, dir) {
  const files = [];
  for (const listing of ['projects', 'registry-modules', 'workspaces']) {
    for (let page = 1; ; page++) {
      // The workspaces listing's include as the sync asks for it (runs, their VCS trigger, locks, outputs).
      const include = 'current_run,current_run.configuration_version.ingress_attributes,locked_by,outputs';
      const res = await fetch(`${fake.url}/api/v2/organizations/${org}/${listing}?include=${include}&page%5Bnumber%5D=${page}&page%5Bsize%5D=100`, {
        headers: { Authorization: 'Bearer bench-token' },
      });
      const text = await res.text();
      const file = path.join(dir, `${listing}-${String(page).padStart(4, '0')}.json`);
      fs.writeFileSync(file, text);
      files.push(file);
      if (!JSON.parse(text).meta.pagination['next-page']) break;
    }
  }
  return files;
}

/**
 * The Node shim's sync loop in a child process, reporting its own peak RSS and its time from the
 * start of `runSync` to its snapshot (as the host's clock starts once its core is loaded).
 */
async function nodeShimSync(url, org) {
  const script = `
    const { runSync } = require(${JSON.stringify(path.join(ROOT, 'js-shim/src/drive.js'))});
    const started = Date.now();
    runSync({ organization: ${JSON.stringify(org)}, baseUrl: ${JSON.stringify(url)} }, 'bench-token').then(s => {
      const elapsedMs = Date.now() - started;
      const hwm = /VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1];
      console.log(JSON.stringify({ entities: s.entities.length, requests: s.stats.requests, peakRssKiB: Number(hwm), elapsedMs }));
    });`;
  const { stdout } = await run(process.execPath, ['-e', script]);
  return JSON.parse(stdout);
}

function nodeMapThroughput(files, iterations = 5) {
  const core = require('../js-shim/src/core');
  const request = { documents: files.map(f => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') })) };
  const entities = JSON.parse(core.mapDocuments(request)).length;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) core.mapDocuments(request);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round((entities * iterations) / seconds);
}

/** The host CLI's sync (wasm guest, or `native`): its own stats line. */
async function hostSync(url, native) {
  const args = ['sync', '--url', url, '--allow-insecure-http', '--org', 'bench', '--token-env', 'TFE_TOKEN', '--out', '/dev/null', '--stats'];
  const { stderr } = await run(CLI, native ? [...args, '--native'] : args, { TFE_TOKEN: 'bench-token' });
  return JSON.parse(stderr.trim().split('\n').pop());
}

/** `tfe-catalog map` of the dumped pages: peak RSS against the input size. */
async function mapMemory(files, native) {
  const { stderr } = await run(CLI, ['map', '--stats', ...(native ? ['--native'] : []), ...files]);
  const { inputBytes, peakRssKiB } = JSON.parse(stderr.trim().split('\n').pop());
  return `${Math.round(peakRssKiB / 1024)} MiB = ${((peakRssKiB * 1024) / inputBytes).toFixed(1)}x`;
}

const settle = () => new Promise(r => setTimeout(r, 1100)); // let the fake's rate-limit window empty
const ratio = (ms, bound) => `${(ms / 1000).toFixed(2)} s = ${(ms / 1000 / bound).toFixed(2)}x`;

async function syncRow(workspaces) {
  const org = generateOrganization({ name: 'bench', workspaces, seed: 1 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { 'bench-token': ['bench'] } });
  try {
    const lowerBound = ceil100(org.workspaces.length) + ceil100(org.projects.length) + ceil100(org.modules.length);
    const host = await hostSync(fake.url, false);
    await settle();
    const native = await hostSync(fake.url, true);
    await settle();
    const shim = await nodeShimSync(fake.url, 'bench');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-bench-'));
    fake.rateLimit.enabled = false; // the dump only feeds the throughput runs; it is not measured
    const files = await dumpPages(fake, 'bench', dir);
    const workspaceBytes = files.filter(f => path.basename(f).startsWith('workspaces-')).reduce((n, f) => n + fs.statSync(f).size, 0);
    const { stdout } = await run(CLI, ['bench-map', '--iterations', '5', ...files]);
    const mapping = JSON.parse(stdout);
    const node = nodeMapThroughput(files);
    const memory = { native: await mapMemory(files, true), wasm: await mapMemory(files, false) };
    fs.rmSync(dir, { recursive: true });
    const bound = host.planner.requests / 30;
    const mbps = entitiesPerSecond => ((entitiesPerSecond / mapping.native.entitiesPerSecond) * mapping.native.MBps).toFixed(1);
    return {
      size: `${workspaces} / ${org.projects.length} / ${org.modules.length}`,
      bytes: `${(workspaceBytes / workspaces / 1024).toFixed(1)} KB`,
      requests: `${host.planner.requests} (${lowerBound} + ping)`,
      bound: `${bound.toFixed(2)} s`,
      times: `${ratio(host.elapsedMs, bound)} / ${ratio(native.elapsedMs, bound)} / ${ratio(shim.elapsedMs, bound)}`,
      tails: `${host.tailMs} ms / ${native.tailMs} ms`,
      rss: `${Math.round(host.peakRssKiB / 1024)} MiB / ${Math.round(shim.peakRssKiB / 1024)} MiB`,
      mapRss: `${memory.native} / ${memory.wasm}`,
      parse: `${mapping.parseValueMBps} / ${mapping.parseIgnoredAnyMBps}`,
      throughput: `${mapping.native.MBps} / ${mapping.wasmtime.MBps} / ${mbps(node)} (${mapping.native.entitiesPerSecond} entities/s native)`,
      ratios: `${(mapping.wasmtime.entitiesPerSecond / mapping.native.entitiesPerSecond).toFixed(2)} / ${(node / mapping.native.entitiesPerSecond).toFixed(2)}`,
    };
  } finally {
    await fake.close();
  }
}

/**
 * What drift and the refresh cost: a sync that knows every assessment but N (requests = lower
 * bound + N + ping), and an incremental refresh after R new runs (requests = ping + run-list pages).
 */
async function assessmentsAndRefresh({ workspaces = 1000, changed = 25, newRuns = 40 } = {}) {
  const { runSync } = require('../js-shim/src/drive');
  const org = generateOrganization({ name: 'bench', workspaces, seed: 3 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { 'bench-token': ['bench'] } });
  try {
    const at = i => new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();
    const known = {};
    org.workspaces.forEach((ws, i) => {
      fake.setAssessment('bench', ws.id, { drifted: i % 7 === 0 ? 2 : 0, at: at(i % 50) });
      if (i >= changed) known[ws.id] = at(i % 50);
    });
    const lowerBound = ceil100(org.workspaces.length) + ceil100(org.projects.length) + ceil100(org.modules.length);
    const config = { organization: 'bench', baseUrl: fake.url };
    const sync = await runSync({ ...config, knownAssessments: known, readAssessments: true }, 'bench-token');
    await new Promise(r => setTimeout(r, 1100));
    for (let i = 0; i < newRuns; i++) fake.setRunStatus('bench', org.workspaces[i].id, 'applied');
    const refresh = await runSync({ ...config, refreshSince: new Date(Date.now() - 15 * 60_000).toISOString() }, 'bench-token');
    return { workspaces, changed, lowerBound, sync: sync.stats, newRuns, refresh: refresh.stats, found: refresh.runs.length };
  } finally {
    await fake.close();
  }
}

/** The table of sync and mapping figures, one row per organization size. */
async function syncTable() {
  console.log('| workspaces / projects / modules | bytes per workspace (the listing as the sync reads it, with its includes) | requests (lower bound + ping) | rate-limit bound | sync time: host wasm / host native / Node shim | of which after the last answer: host wasm / host native | peak RSS sync: host / Node shim | peak RSS `map`: native / wasm (x input) | serde_json parse, MB/s: Value / IgnoredAny | map, MB/s: native / wasmtime / Node | wasmtime / Node vs native |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const size of SIZES) {
    const r = await syncRow(size);
    console.log(`| ${r.size} | ${r.bytes} | ${r.requests} | ${r.bound} | ${r.times} | ${r.tails} | ${r.rss} | ${r.mapRss} | ${r.parse} | ${r.throughput} | ${r.ratios} |`);
  }
}

/** Webhook received → visible in the catalog, next to a full sync → visible. */
async function webhookLatency(samples = 20) {
  globalThis.afterAll ??= () => {};
  const { startBackstage, eventually, queryEntities, getJson } = require('../tests/node/backstage');
  const org = generateOrganization({ name: 'acme', workspaces: 100, seed: 8 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  const started = Date.now();
  const { backend, baseUrl } = await startBackstage({
    databaseId: 'SQLITE_3',
    config: { terraform: { organizations: [{ baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 't', webhookToken: 'h', schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } } }] } },
  });
  try {
    await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 100, { intervalMs: 50 });
    const fullSync = Date.now() - started;
    const latencies = [];
    const statuses = ['errored', 'applied', 'planned', 'canceled'];
    for (let i = 0; i < samples; i++) {
      const ws = org.workspaces[i];
      const status = statuses[i % statuses.length];
      const t0 = Date.now();
      await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, fake.runNotification('acme', ws.id, status), 'h');
      await eventually(async () => (await getJson(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${ws.attributes.name}`)).metadata.annotations['terraform.io/run-status'] === status, { intervalMs: 20 });
      latencies.push(Date.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const pct = p => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    return { p50: pct(50), p95: pct(95), fullSync };
  } finally {
    await backend.stop();
    await fake.close();
  }
}

async function main() {
  console.log(`Benchmark on ${os.cpus().length} cores, ${os.cpus()[0].model}, Node ${process.version}\n`);
  await syncTable();
  const a = await assessmentsAndRefresh();
  console.log(`\n| ${a.workspaces}-workspace organization, every workspace assessed | requests |`);
  console.log('| --- | --- |');
  console.log(`| full sync, ${a.changed} assessments newer than the plugin knows | ${a.sync.requests} = ${a.lowerBound} (lower bound) + ${a.changed} + ping (${a.sync.assessments} assessment reads) |`);
  console.log(`| incremental refresh after ${a.newRuns} new runs (${a.found} found) | ${a.refresh.requests} = ping + ${a.refresh.requests - 1} run-list page(s), at most 30 a minute |`);
  const w = await webhookLatency();
  console.log(`\nWebhook received → visible in the catalog (20 notifications, 100-workspace organization, SQLite): p50 ${w.p50} ms, p95 ${w.p95} ms; for comparison, backend start + first full sync → all 100 entities visible: ${w.fullSync} ms.`);
  await require('./port').portSection(SIZES);
  process.exit(0);
}

module.exports = { syncTable, dumpPages };

if (require.main === module) {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
