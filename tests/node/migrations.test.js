'use strict';
// The plugin's migrations on a database that already holds state: a column added later is filled
// from the stored state, so an upgraded plugin finds every workspace's project at once.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const knexFactory = require('knex');
const core = require('../../js-shim/src/core');

const MIGRATIONS = { directory: path.join(__dirname, '../../js-shim/src/migrations'), tableName: 'terraform_knex_migrations', loadExtensions: ['.js'] };

test('the project column is filled from workspaces stored before it existed', async t => {
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  t.after(() => knex.destroy());
  await knex.migrate.up(MIGRATIONS); // the first migration only: the state as an older plugin kept it
  const text = JSON.stringify({
    data: [
      { id: 'ws-InProject0000001', type: 'workspaces', attributes: { name: 'net' }, relationships: { organization: { data: { id: 'acme' } }, project: { data: { id: 'prj-Core000000000001' } } } },
      { id: 'ws-NoProject0000001', type: 'workspaces', attributes: { name: 'loose' }, relationships: { organization: { data: { id: 'acme' } } } },
    ],
  });
  for (const entity of JSON.parse(core.mapDocuments({ documents: [{ name: 'w', text }] }))) {
    const state = core.mergeWorkspace(null, { type: 'synced', entity });
    const entry = core.registryEntry(state);
    await knex('terraform_workspaces').insert({
      organization: 'acme', workspace_id: state.workspaceId, workspace_name: entry.workspaceName, entity_ref: entry.entityRef,
      state: JSON.stringify(state), version: 1,
    });
  }
  await knex.migrate.latest(MIGRATIONS);
  const rows = await knex('terraform_workspaces').orderBy('workspace_id').select('workspace_id', 'project_id');
  assert.deepEqual(rows, [
    { workspace_id: 'ws-InProject0000001', project_id: 'prj-Core000000000001' },
    { workspace_id: 'ws-NoProject0000001', project_id: null },
  ]);
});
