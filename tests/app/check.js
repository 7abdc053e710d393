'use strict';
// Starts a generated Backstage app (tests/app/run.sh made and built it) against the fake TFE, and
// checks in headless Chromium, as a person would, that a service's entity page shows our card
// with its workspace's status and that the "Terraform" tab lists the run. The app is configured
// only through app-config.local.yaml (the TFE organization and a catalog file), never its code.
//
//   node tests/app/check.js <app directory>
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');

const APP = path.resolve(process.argv[2] ?? '');
const PORT = Number(process.env.APP_TEST_PORT ?? 7017);
const BASE = `http://localhost:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT = 120_000;

async function eventually(probe, what, timeoutMs = TIMEOUT) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

function writeConfig(fakeUrl, workspaceName) {
  const catalog = path.join(APP, 'terraform-test-catalog.yaml');
  fs.writeFileSync(catalog, [
    'apiVersion: backstage.io/v1alpha1', 'kind: Component',
    `metadata: {name: payments, annotations: {terraform/organization: acme, terraform/workspace: ${workspaceName}}}`,
    'spec: {type: service, lifecycle: production, owner: guests}', '',
  ].join('\n'));
  // JSON is YAML.
  fs.writeFileSync(path.join(APP, 'app-config.local.yaml'), JSON.stringify({
    app: { baseUrl: BASE },
    backend: { baseUrl: BASE, listen: { port: PORT }, cors: { origin: BASE } },
    catalog: { locations: [{ type: 'file', target: catalog, rules: [{ allow: ['Component', 'System', 'Resource', 'Group'] }] }] },
    terraform: {
      organizations: [{
        organization: 'acme', baseUrl: fakeUrl, allowInsecureHttp: true, token: 't',
        schedule: { frequency: { minutes: 30 }, timeout: { minutes: 2 }, initialDelay: { seconds: 1 } },
      }],
    },
  }, null, 2));
}

function startBackend() {
  const log = fs.openSync(path.join(os.tmpdir(), `tfe-catalog-app-backend-${process.pid}.log`), 'w');
  const child = spawn('yarn', ['workspace', 'backend', 'start'], { cwd: APP, detached: true, stdio: ['ignore', log, log] });
  child.logFile = path.join(os.tmpdir(), `tfe-catalog-app-backend-${process.pid}.log`);
  return child;
}

async function guestToken() {
  const res = await fetch(`${BASE}/api/auth/guest/refresh?env=development`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
  if (!res.ok) throw new Error(`guest refresh: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function main() {
  const org = generateOrganization({ name: 'acme', workspaces: 6, seed: 5 });
  const ws = org.workspaces.find(w => org.runs.get(w.relationships['current-run'].data?.id)?.attributes.status === 'applied');
  if (!ws) throw new Error('the generated organization has no applied workspace');
  const run = org.runs.get(ws.relationships['current-run'].data.id);
  const name = ws.attributes.name;
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  writeConfig(fake.url, name);
  const backend = startBackend();
  let browser;
  let page;
  try {
    await eventually(async () => {
      const text = fs.readFileSync(backend.logFile, 'utf8');
      if (/startup failed|Error: /i.test(text) && backend.exitCode !== null) throw new Error(`the backend stopped:\n${text.slice(-3000)}`);
      return (await fetch(`${BASE}/api/terraform/health`)).ok;
    }, 'the backend to start', 240_000);
    const token = await eventually(guestToken, 'a guest token');
    const headers = { Authorization: `Bearer ${token}` };
    await eventually(async () => {
      const res = await fetch(`${BASE}/api/terraform/entity/component/default/payments/status`, { headers });
      return res.ok && (await res.json()).workspaces[0]?.run?.status === 'applied';
    }, 'the synced workspace on the service');
    // The service was processed before the first sync; the refresh keys bring its relation in the
    // next processing loop after it (the app's processing interval is minutes).
    await eventually(async () => {
      const res = await fetch(`${BASE}/api/catalog/entities/by-name/component/default/payments`, { headers });
      const entity = res.ok && (await res.json());
      return entity?.relations?.some(r => r.type === 'dependsOn' && r.targetRef.startsWith('resource:acme/'));
    }, 'the service\'s dependsOn relation to its workspace', 90_000);
    const startupErrors = fs.readFileSync(backend.logFile, 'utf8').match(/.*startup failed.*/gi);
    if (startupErrors) throw new Error(`a backend plugin failed to start: ${startupErrors.join('\n')}`);

    const { chromium } = require(require.resolve('playwright-core', { paths: [path.join(__dirname, '..', '..')] }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = [];
    page.on('pageerror', e => errors.push(e.message));
    await page.goto(BASE);
    await page.getByRole('button', { name: 'Enter' }).click({ timeout: TIMEOUT }); // the guest sign-in page
    await page.goto(`${BASE}/catalog/default/component/payments`);
    // Our card's fields (the only ones on the page marked data-field), for the service's workspace.
    const field = label => page.locator(`[data-field="${label}"]`);
    // Our card's workspace link (the page's "Depends on resources" card links it too).
    await page.getByRole('link', { name: new RegExp(`^${name}\\b`) }).first().waitFor({ timeout: TIMEOUT });
    await field('Status').getByText('Applied', { exact: true }).waitFor({ timeout: TIMEOUT });
    await field('Run').getByText(run.id).waitFor({ timeout: TIMEOUT });
    // Who: the VCS user who pushed, for a VCS-driven run (as the status route names them), else the
    // TFE user who created the run (the fake's `fake-user`). Not exact: Backstage's Link adds a
    // visually hidden ", Opens in a new window" to an external link's text.
    const status = await (await fetch(`${BASE}/api/terraform/entity/component/default/payments/status`, { headers })).json();
    const who = status.workspaces[0]?.trigger?.by ?? 'fake-user';
    await field('Who').getByText(who).waitFor({ timeout: TIMEOUT });
    if (process.env.SCREENSHOTS_DIR) {
      fs.mkdirSync(process.env.SCREENSHOTS_DIR, { recursive: true });
      await page.screenshot({ path: path.join(process.env.SCREENSHOTS_DIR, 'generated-app.png'), fullPage: true });
    }
    // The "Terraform" tab, from the same package: the run history.
    await page.locator('a[href$="/catalog/default/component/payments/terraform"]').filter({ hasText: 'Terraform' }).click({ timeout: TIMEOUT });
    await page.locator('[data-card="terraform-runs"]').getByText(run.id, { exact: true }).waitFor({ timeout: TIMEOUT });
    // A blueprint template's page: the blueprint card (its own filter), not the status card.
    const templates = await (await fetch(
      `${BASE}/api/catalog/entities?filter=kind=component,metadata.annotations.terraform.io/template=true`, { headers },
    )).json();
    if (templates.length === 0) throw new Error('no blueprint template was synced');
    const template = templates[0].metadata;
    await page.goto(`${BASE}/catalog/${template.namespace}/component/${template.name}`);
    await page.getByText('Terraform instances').first().waitFor({ timeout: TIMEOUT });
    if ((await field('Status').count()) !== 0) throw new Error('the status card shows on a blueprint template');
    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
    console.log(`the generated app shows ${name} (${run.id}, Applied) on the service's page, its run in the Terraform tab, and the blueprint card on ${template.name}`);
  } catch (e) {
    console.error(fs.readFileSync(backend.logFile, 'utf8').slice(-4000));
    // What the page showed last: the first thing to look at when an assertion timed out.
    const shot = path.join(os.tmpdir(), 'tfe-catalog-app-failure.png');
    if (page && (await page.screenshot({ path: shot, fullPage: true }).then(() => true, () => false))) console.error(`the page: ${shot}`);
    throw e;
  } finally {
    await browser?.close();
    try {
      process.kill(-backend.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await fake.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
