'use strict';
// Switching from the GlobalLogic Terraform backend: its `integrations.terraform` settings (token,
// baseUrl, plus the organization to sync) are read as the one organization when
// `terraform.organizations` is absent, so an app keeps the config that card's schema requires.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ConfigReader } = require('@backstage/config');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, getJson, queryEntities } = require('./backstage');
const { readOrganizations } = require('../../js-shim/src/config');

test('integrations.terraform alone syncs its organization, and the GlobalLogic routes answer', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 4, seed: 3 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { t: ['acme'] } });
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    config: { integrations: { terraform: { baseUrl: fake.url, allowInsecureHttp: true, token: 't', organization: 'acme' } } },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  const resources = await eventually(async () => {
    const found = await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' });
    return found.length === 4 && found;
  }, { what: 'the sync of the integration organization' });
  assert.ok(resources.every(e => e.metadata.annotations['terraform.io/organization'] === 'acme'));
  const name = org.workspaces.find(w => w.relationships['current-run'].data).attributes.name;
  const latest = await getJson(`${baseUrl}/api/terraform/organizations/acme/workspaces/${name}/latestRun`);
  assert.equal(latest.workspace.name, name);
});

test('terraform.organizations wins over integrations.terraform; a token without an organization is a clear error', () => {
  const both = new ConfigReader({
    integrations: { terraform: { token: 'gl', organization: 'old' } },
    terraform: { organizations: [{ organization: 'acme', token: 't' }] },
  });
  assert.deepEqual(readOrganizations(both).map(o => [o.syncConfig.organization, o.token]), [['acme', 't']]);

  const integration = new ConfigReader({ integrations: { terraform: { token: 'gl', organization: 'globex' } } });
  const [only] = readOrganizations(integration);
  assert.equal(only.syncConfig.organization, 'globex');
  assert.equal(only.syncConfig.baseUrl, 'https://app.terraform.io');
  assert.equal(only.token, 'gl');

  assert.deepEqual(readOrganizations(new ConfigReader({})), []);
  assert.throws(
    () => readOrganizations(new ConfigReader({ integrations: { terraform: { token: 'gl' } } })),
    /integrations\.terraform has a token but no organization to sync: set integrations\.terraform\.organization/,
  );
});
