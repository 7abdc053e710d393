'use strict';
// The plugin's state (see store.js). Earlier versions created `terraform_runs` and
// `terraform_organizations` without migrations; both only cached what the next sync reads again,
// so they are replaced.

exports.up = async function up(knex) {
  await knex.schema.dropTableIfExists('terraform_runs');
  await knex.schema.dropTableIfExists('terraform_organizations');

  // One row per workspace: the registry (who may see what) and its merged state.
  await knex.schema.createTable('terraform_workspaces', table => {
    table.string('organization').notNullable();
    table.string('workspace_id').notNullable();
    table.string('workspace_name').notNullable();
    table.string('entity_ref').notNullable();
    table.string('current_run_id').nullable().index();
    table.string('blueprint').nullable();
    table.timestamp('history_read_at').nullable();
    table.text('state').notNullable();
    table.integer('version').notNullable();
    table.primary(['organization', 'workspace_id']);
    table.index(['organization', 'workspace_name']);
  });

  // One row per run the plugin has details of, keyed by organization too: a run id alone says
  // nothing of whose it is.
  await knex.schema.createTable('terraform_runs', table => {
    table.string('organization').notNullable();
    table.string('run_id').notNullable();
    table.string('workspace_id').notNullable();
    table.string('created_at').nullable();
    table.text('record').notNullable();
    table.integer('version').notNullable();
    table.timestamp('stored_at').notNullable();
    table.primary(['organization', 'run_id']);
    table.index(['run_id']);
    table.index(['organization', 'workspace_id', 'created_at']);
  });

  // A change feed: every write that changes what an entity shows appends a row, so the catalog
  // module can apply what changed after the snapshot it rendered (ids only grow).
  await knex.schema.createTable('terraform_changes', table => {
    table.bigIncrements('id').primary();
    table.string('organization').notNullable();
    table.string('workspace_id').notNullable();
    table.timestamp('at').notNullable();
    table.index(['organization', 'id']);
  });

  // Finished plans' logs: they never change, so each is read from TFE once.
  await knex.schema.createTable('terraform_plan_logs', table => {
    table.string('organization').notNullable();
    table.string('run_id').notNullable();
    table.text('log', 'longtext').notNullable();
    table.timestamp('stored_at').notNullable();
    table.primary(['organization', 'run_id']);
  });

  // One row per organization: how its syncs went, and its entities other than workspaces.
  await knex.schema.createTable('terraform_organizations', table => {
    table.string('organization').primary();
    table.text('health').nullable();
    table.text('model').nullable();
    table.timestamp('stored_at').notNullable();
  });
};

exports.down = async function down(knex) {
  for (const name of ['terraform_organizations', 'terraform_plan_logs', 'terraform_changes', 'terraform_runs', 'terraform_workspaces']) {
    await knex.schema.dropTableIfExists(name);
  }
};
