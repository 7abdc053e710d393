'use strict';
// Catalog permission policies decide what a caller may see through the plugin's entity route: the
// route reads the catalog with the caller's credentials, never with the plugin's own.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { mockCredentials } = require('@backstage/backend-test-utils');
const { OUTSIDER, outsiderPolicy } = require('./policy');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, queryEntities } = require('./backstage');


test('a caller denied by the permission policy cannot read an entity status', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 5, seed: 9 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { 'tok-acme': ['acme'] } });
  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    features: [outsiderPolicy],
    config: {
      terraform: { organizations: [{ baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 'tok-acme', schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } } }] },
    },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  await eventually(async () => (await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' })).length === 5, { what: 'the sync' });
  const name = org.workspaces[0].attributes.name;
  const url = `${baseUrl}/api/terraform/entity/resource/acme/${name}/status`;

  const allowed = await fetch(url, { headers: { Authorization: mockCredentials.user.header('user:default/member') } });
  assert.equal(allowed.status, 200);
  assert.equal((await allowed.json()).workspaces[0].workspace.id, org.workspaces[0].id);

  const catalogForOutsider = await fetch(`${baseUrl}/api/catalog/entities/by-name/resource/acme/${name}`, {
    headers: { Authorization: mockCredentials.user.header(OUTSIDER) },
  });
  assert.equal(catalogForOutsider.status, 404, 'the policy is in force in the catalog');
  const denied = await fetch(url, { headers: { Authorization: mockCredentials.user.header(OUTSIDER) } });
  assert.equal(denied.status, 404);
  assert.doesNotMatch(await denied.text(), /ws-|run-/, 'nothing about the workspace leaks');
});
