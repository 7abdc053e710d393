'use strict';
// The entity-page cards in headless Chromium: our EntityTerraformCard, EntityTerraformBlueprintCard
// and Terraform tab, and the published GlobalLogic card (its own app: both plugins have the id
// `terraform`), in a Backstage app (createApp), against a real Backstage backend running our
// plugin on the fake TFE. Assertions are on what a person sees. Screenshots go
// to $SCREENSHOTS_DIR (a temporary directory unless set; SCREENSHOTS_DIR=docs/screenshots refreshes
// the README's).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { FakeTfe, startFakeTfe, generateOrganization } = require('../fake-tfe');
const { configurationVersionResources } = require('../fake-tfe/organization');
const { databaseIds, startBackstage, eventually, queryEntities } = require('../node/backstage');
const { devAppFeature, launchChromium } = require('./harness');

const SCREENSHOTS = path.resolve(process.env.SCREENSHOTS_DIR ?? path.join(os.tmpdir(), 'tfe-catalog-screenshots'));
const TIMEOUT = 30_000;

/** A catalog-info.yaml with the given Components; returns its path. */
function catalogFile(components) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-catalog-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(file, components.map(({ name, annotations }) => [
    'apiVersion: backstage.io/v1alpha1', 'kind: Component',
    `metadata: {name: ${name}, annotations: ${JSON.stringify(annotations)}}`,
    'spec: {type: service, lifecycle: production, owner: group:default/team-a}',
  ].join('\n')).join('\n---\n') + '\n');
  return file;
}

async function start(t, { org, down = false, components }) {
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: [org.name] } });
  if (down) fake.setFaults({ down: true });
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    features: [await devAppFeature()],
    config: {
      catalog: { processingInterval: { seconds: 1 }, locations: [{ type: 'file', target: catalogFile(components) }] },
      terraform: {
        organizations: [{
          baseUrl: fake.url, allowInsecureHttp: true, organization: org.name, token: 't', webhookToken: 'h', retry: { maxAttempts: 2 },
          schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
        }],
      },
    },
  });
  const app = { url: baseUrl };
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const consoleErrors = [];
  page.on('pageerror', e => consoleErrors.push(e.message));
  if (process.env.DEBUG_BROWSER) page.on('console', m => process.stderr.write(`[browser] ${m.type()} ${m.text()}\n`));
  t.after(async () => {
    // What the page showed last: the first thing to look at when an assertion timed out.
    await page.screenshot({ path: path.join(os.tmpdir(), `tfe-catalog-${t.name.slice(0, 20).replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
    await browser.close();
    await backend.stop();
    await fake.close();
  });
  return { fake, baseUrl, app, page, consoleErrors };
}

const card = (page, which) => page.locator(`[data-card="${which}"]`);
/** Backstage's external links read "<text>, Opens in a new window" to screen readers. */
const linkNamed = (scope, text) => scope.getByRole('link', { name: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) });

test('both cards show the current run and drift, follow a webhook, and our blueprint card lists instances', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 12, seed: 5 });
  const ws = org.workspaces.find(w => {
    const run = org.runs.get(w.relationships['current-run'].data?.id);
    return run && run.attributes.status === 'applied';
  });
  assert.ok(ws, 'the generated organization has an applied workspace');
  const run = org.runs.get(ws.relationships['current-run'].data.id);
  const name = ws.attributes.name;
  const moving = org.workspaces.find(w => {
    const r = org.runs.get(w.relationships['current-run'].data?.id);
    return r && ['applying', 'planning', 'pending'].includes(r.attributes.status);
  });
  assert.ok(moving, 'the generated organization has a run in progress');
  const { fake, baseUrl, app, page, consoleErrors } = await start(t, {
    org,
    components: [
      { name: 'payments', annotations: { 'terraform/organization': 'acme', 'terraform/workspace': name } },
      { name: 'misspelt', annotations: { 'terraform/organization': 'acme', 'terraform/workspace': 'no-such-workspace' } },
      { name: 'checkout', annotations: { 'terraform.io/organization': 'acme', 'terraform.io/workspace-id': moving.id } },
    ],
  });
  await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 12, { what: 'the sync' });
  await eventually(async () => (await fetch(`${baseUrl}/api/catalog/entities/by-name/component/default/payments`)).ok, { what: 'the component' });
  // Drift, reported by TFE's health-assessment notification.
  const assessed = await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, fake.assessmentNotification('acme', ws.id, { drifted: 2, undrifted: 9 }), 'h');
  assert.equal(assessed.status, 202);
  await eventually(async () => {
    const res = await fetch(`${baseUrl}/api/terraform/organizations/acme/workspaces/${name}/assessment-results`);
    return res.ok && (await res.json()).length === 1;
  }, { what: 'the assessment applied' });

  await page.goto(`${app.url}/catalog/default/component/payments?poll=1000`);
  const ours = card(page, 'tfe-catalog');
  await linkNamed(ours, name).waitFor({ timeout: TIMEOUT });
  const field = label => ours.locator(`[data-field="${label}"]`);
  await field('Status').getByText('Applied', { exact: true }).waitFor({ timeout: TIMEOUT });
  await ours.getByText(run.attributes.message).waitFor({ timeout: TIMEOUT }); // from the run's details
  // Who and what triggered it: the VCS sender and the commit, when the workspace is VCS-driven.
  const ingress = configurationVersionResources(run, ws)[1]?.attributes;
  if (!ingress) await field('Who').getByText('fake-user', { exact: true }).waitFor({ timeout: TIMEOUT });
  if (ingress) {
    await linkNamed(field('Who'), ingress['sender-username']).waitFor({ timeout: TIMEOUT });
    assert.equal(await linkNamed(field('Who'), ingress['sender-username']).getAttribute('href'), ingress['sender-html-url']);
    await field('What').getByText(ingress['commit-sha'].slice(0, 7)).waitFor({ timeout: TIMEOUT });
    assert.equal(await linkNamed(field('What'), ingress['commit-sha'].slice(0, 7)).getAttribute('href'), ingress['commit-url']);
    await field('What').getByText(/on main/).waitFor({ timeout: TIMEOUT });
  }
  // The listing's facts, and the outputs (sensitive ones by name only).
  await field('Resources').getByText(String(ws.attributes['resource-count']), { exact: true }).waitFor({ timeout: TIMEOUT });
  await field('Lock').getByText(ws.attributes.locked ? /^Locked/ : 'Unlocked').waitFor({ timeout: TIMEOUT });
  await field('Last change').getByText(/ago|now/).waitFor({ timeout: TIMEOUT });
  const listing = await (await fetch(`${fake.url}/api/v2/workspaces/${ws.id}?include=outputs`, { headers: { Authorization: 'Bearer t' } })).json();
  for (const output of listing.included ?? []) {
    const shown = ours.locator(`[data-output="${output.attributes.name}"]`);
    const value = output.attributes.value;
    const text = output.attributes.sensitive ? 'sensitive' : typeof value === 'string' ? value : JSON.stringify(value);
    await shown.getByText(text, { exact: true }).waitFor({ timeout: TIMEOUT });
  }
  await field('Drift').getByText('Drifted: 2 resources').waitFor({ timeout: TIMEOUT });
  await field('Changes').getByText(/^\+\d+ ~\d+ −\d+$/).waitFor({ timeout: TIMEOUT });
  await field('Changes').getByLabel(/\d+ to add, \d+ to change, \d+ to destroy/).waitFor({ timeout: TIMEOUT });
  await field('When').getByText(/ago|now/).waitFor({ timeout: TIMEOUT });
  assert.equal(await ours.locator('[data-field="Status"] [data-bucket="success"]').count(), 1);
  assert.equal(await linkNamed(ours, name).getAttribute('href'), `${fake.url}/app/acme/workspaces/${name}`);
  assert.equal(await linkNamed(field('Run'), run.id).getAttribute('href'), `${fake.url}/app/acme/workspaces/${name}/runs/${run.id}`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await ours.screenshot({ path: path.join(SCREENSHOTS, 'entity-card.png') });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'entity-page.png'), fullPage: true });

  // Our Terraform tab: the run history, and a run's plan log read through our route.
  await page.goto(`${app.url}/catalog/default/component/payments/terraform?poll=0`);
  const runs = card(page, 'terraform-runs');
  await runs.getByText(run.id, { exact: true }).waitFor({ timeout: TIMEOUT });
  await runs.getByText(run.attributes.message).waitFor({ timeout: TIMEOUT });
  await runs.getByRole('button', { name: `Plan log of ${run.id}` }).click();
  await card(page, 'terraform-plan-log').getByText(`Terraform will perform the following actions (${run.id}):`).waitFor({ timeout: TIMEOUT });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'terraform-tab.png'), fullPage: true });

  // The GlobalLogic card, served by this plugin.
  await page.goto(`${app.url}/globallogic/catalog/default/component/payments`);
  const theirs = card(page, 'globallogic');
  await theirs.getByText(`Latest run for ${name}`).waitFor({ timeout: TIMEOUT });
  await theirs.getByText('applied', { exact: true }).waitFor({ timeout: TIMEOUT });
  await theirs.getByText(/triggered a run/).waitFor({ timeout: TIMEOUT });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'globallogic-card.png'), fullPage: true });

  // GlobalLogic's runs table (its entity tab); the plan log it opens comes through our route.
  await page.goto(`${app.url}/globallogic/catalog/default/component/payments/terraform-runs`);
  const runsTable = card(page, 'globallogic-runs');
  await runsTable.getByText(`Runs for ${name}`).first().waitFor({ timeout: TIMEOUT });
  await runsTable.getByText(run.attributes.message).waitFor({ timeout: TIMEOUT });
  await runsTable.locator(`[data-testid="open-logs-${run.id}"]`).click();
  await page.getByText(`Terraform will perform the following actions (${run.id}):`).waitFor({ timeout: TIMEOUT });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'globallogic-runs-and-plan-log.png') });
  await page.goto(`${app.url}/catalog/default/component/payments?poll=1000`);
  await field('Status').getByText('Applied', { exact: true }).waitFor({ timeout: TIMEOUT });

  // A webhook moves the workspace on: our card follows by itself, without a reload.
  const payload = fake.runNotification('acme', ws.id, 'errored', 'run:errored');
  assert.equal((await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, payload, 'h')).status, 202);
  await ours.getByText('Errored', { exact: true }).waitFor({ timeout: TIMEOUT });
  assert.equal(await ours.locator('[data-bucket="failure"]').count(), 1);

  // A run in progress is polled with its ETag (304 while it does not move) and shown as it moves.
  const statusPolls = [];
  page.on('response', r => { if (/\/api\/terraform\/run\/[^/]+\/status$/.test(new URL(r.url()).pathname)) statusPolls.push(r.status()); });
  await page.goto(`${app.url}/catalog/default/component/checkout?poll=500`);
  await linkNamed(ours, moving.attributes.name).waitFor({ timeout: TIMEOUT });
  await eventually(() => statusPolls.includes(304), { what: 'a 304 to a status poll' });
  const polledBefore = statusPolls.length;
  // Same run id: the workspace's current run moves on.
  assert.equal((await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, fake.runNotification('acme', moving.id, 'applied'), 'h')).status, 202);
  await ours.getByText('Applied', { exact: true }).waitFor({ timeout: TIMEOUT });
  assert.ok(statusPolls.slice(polledBefore).includes(200), 'after 304s, the moved run answered with its new status');

  // Empty state (ours) and not-found error (theirs) for a workspace that is not in the catalog.
  await page.goto(`${app.url}/catalog/default/component/misspelt?poll=0`);
  await card(page, 'tfe-catalog').getByText('No Terraform workspace').waitFor({ timeout: TIMEOUT });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'empty-state.png'), fullPage: true });
  await page.goto(`${app.url}/globallogic/catalog/default/component/misspelt`);
  await card(page, 'globallogic').getByText(/no workspace no-such-workspace of organization acme/).waitFor({ timeout: TIMEOUT });

  // A blueprint template's page lists its instances in a table: sortable, searchable.
  const templates = (await queryEntities(baseUrl, { kind: 'component', namespace: 'acme' }))
    .filter(e => e.metadata.annotations?.['terraform.io/template'] === 'true');
  const instances = (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' }))
    .filter(e => e.metadata.annotations?.['terraform.io/blueprint'] === templates[0]?.metadata.annotations['terraform.io/module-path']);
  assert.ok(instances.length > 0, 'some workspace instantiates the first template');
  await page.goto(`${app.url}/catalog/acme/component/${templates[0].metadata.name}?poll=0`);
  const blueprint = card(page, 'tfe-catalog');
  await blueprint.getByText('Terraform instances').waitFor({ timeout: TIMEOUT });
  await blueprint.getByText(`${instances.length} instance${instances.length === 1 ? '' : 's'}`).waitFor({ timeout: TIMEOUT });
  const names = instances.map(i => i.metadata.annotations['terraform.io/workspace-name']);
  for (const instance of names) await linkNamed(blueprint, instance).waitFor({ timeout: TIMEOUT });
  const headers = await blueprint.locator('thead th').allTextContents();
  assert.deepEqual(headers.map(h => h.trim()).filter(Boolean), ['Workspace', 'Status', 'Version', 'Age']);
  // The first cell's link text (without the screen readers' "Opens in a new window").
  const shownNames = async () => (await blueprint.locator('tbody tr td:first-child').allInnerTexts()).map(s => s.split('\n')[0].trim()).filter(Boolean);
  // Newest run first; sorted by workspace on a click, the other way on the next one.
  await eventually(async () => JSON.stringify(await shownNames()) === JSON.stringify(
    [...instances].sort((x, y) => Date.parse(y.metadata.annotations['terraform.io/run-updated-at']) - Date.parse(x.metadata.annotations['terraform.io/run-updated-at']))
      .map(i => i.metadata.annotations['terraform.io/workspace-name'])), { what: 'rows newest first' });
  await blueprint.getByRole('button', { name: 'Workspace' }).click();
  await eventually(async () => JSON.stringify(await shownNames()) === JSON.stringify([...names].sort()), { what: 'rows sorted by workspace' });
  await blueprint.getByRole('button', { name: 'Workspace' }).click();
  await eventually(async () => JSON.stringify(await shownNames()) === JSON.stringify([...names].sort().reverse()), { what: 'rows sorted the other way' });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'blueprint.png'), fullPage: true });
  await blueprint.getByPlaceholder('Filter').fill(names[0]);
  await eventually(async () => JSON.stringify(await shownNames()) === JSON.stringify(names.filter(n => n.includes(names[0]))), { what: 'rows filtered by the search' });
  assert.deepEqual(consoleErrors, []);
});

test('TFE down and nothing cached: both cards show an error', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 3, seed: 9 });
  const name = org.workspaces[0].attributes.name;
  const { baseUrl, app, page } = await start(t, {
    org,
    down: true,
    components: [{ name: 'payments', annotations: { 'terraform/organization': 'acme', 'terraform/workspace': name } }],
  });
  await eventually(async () => (await fetch(`${baseUrl}/api/catalog/entities/by-name/component/default/payments`)).ok, { what: 'the component' });
  await eventually(async () => (await fetch(`${baseUrl}/api/terraform/organizations/acme/workspaces/${name}/latestRun`)).status === 503, { what: 'the failed sync reported' });
  await page.goto(`${app.url}/catalog/default/component/payments?poll=0`);
  const ours = card(page, 'tfe-catalog');
  await ours.getByText('Terraform status unavailable').waitFor({ timeout: TIMEOUT });
  await ours.getByText(/could not be read from TFE yet/).first().waitFor({ timeout: TIMEOUT });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'tfe-down.png'), fullPage: true });
  await page.goto(`${app.url}/globallogic/catalog/default/component/payments`);
  await card(page, 'globallogic').getByText(/Terraform organization acme could not be read from TFE yet/).waitFor({ timeout: TIMEOUT });
});

test('service and System cards show the infrastructure health and an outdated blueprint; the blueprint card counts instances behind', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 30, seed: 16 });
  const blueprintTag = w => w.attributes['tag-names'].find(tag => tag.startsWith('blueprint:'));
  const behind = org.workspaces.find(w => blueprintTag(w)?.endsWith('@1.0.0'));
  assert.ok(behind, 'the generated organization has an instance on 1.0.0');
  const moduleName = blueprintTag(behind).slice('blueprint:'.length).split('@')[0];
  const module = org.modules.find(m => m.attributes.name === moduleName);
  const latest = module.attributes['version-statuses'].map(v => v.version).find(v => v !== '1.0.0' && !v.includes('-'));
  const behindCount = org.workspaces.filter(w => blueprintTag(w) === `blueprint:${moduleName}@1.0.0`).length;
  const { fake, baseUrl, app, page, consoleErrors } = await start(t, {
    org,
    components: [{ name: 'payments', annotations: { 'terraform.io/organization': 'acme', 'terraform.io/workspace-id': behind.id } }],
  });
  await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 30, { what: 'the sync' });
  const errored = await FakeTfe.sendNotification(`${baseUrl}/api/terraform/notifications/acme`, fake.runNotification('acme', behind.id, 'errored'), 'h');
  assert.equal(errored.status, 202);

  await page.goto(`${app.url}/catalog/default/component/payments?poll=1000`);
  const ours = card(page, 'tfe-catalog');
  const field = label => ours.locator(`[data-field="${label}"]`);
  await field('Infrastructure health').getByText('Failed').waitFor({ timeout: TIMEOUT });
  await field('Blueprint').getByText(`outdated blueprint (1.0.0 → ${latest})`).waitFor({ timeout: TIMEOUT });

  const system = (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).find(e => e.metadata.name === behind.attributes.name).spec.system;
  await page.goto(`${app.url}/catalog/acme/system/${system.split('/')[1]}?poll=0`);
  await field('Infrastructure health').getByText('Failed').waitFor({ timeout: TIMEOUT });
  await linkNamed(ours, behind.attributes.name).waitFor({ timeout: TIMEOUT });

  await page.goto(`${app.url}/catalog/acme/component/${moduleName}-${module.attributes.provider}?poll=0`);
  await ours.getByText(`${behindCount} instance${behindCount === 1 ? '' : 's'} behind`).waitFor({ timeout: TIMEOUT });
  await ours.getByText(`1.0.0 → ${latest}`).first().waitFor({ timeout: TIMEOUT });
  assert.deepEqual(consoleErrors, []);
});
