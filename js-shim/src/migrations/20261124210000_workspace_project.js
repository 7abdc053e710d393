'use strict';
// Each workspace's project, beside its state: a System's health is computed from its project's
// workspaces, found by this column rather than by reading every workspace of the organization.
// Existing rows are filled from their state, by the core's registry entry (the same rule as every write).

exports.up = async function up(knex) {
  await knex.schema.alterTable('terraform_workspaces', table => {
    table.string('project_id').nullable();
    table.index(['organization', 'project_id']);
  });
  const core = require('../core');
  for (const row of await knex('terraform_workspaces').select('organization', 'workspace_id', 'state')) {
    const projectId = core.registryEntry(JSON.parse(row.state)).projectId ?? null;
    if (projectId) {
      await knex('terraform_workspaces').where({ organization: row.organization, workspace_id: row.workspace_id }).update({ project_id: projectId });
    }
  }
};

exports.down = async function down(knex) {
  await knex.schema.alterTable('terraform_workspaces', table => {
    table.dropIndex(['organization', 'project_id']);
    table.dropColumn('project_id');
  });
};
