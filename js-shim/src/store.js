'use strict';
// The plugin's state, in its own database from Backstage's database service (so every replica
// sees it and a restart keeps it): one row per run, holding the core's RunRecord as JSON, and one
// row per organization, holding the core's OrganizationHealth (how its last syncs went).

const TABLE = 'terraform_runs';
const HEALTH_TABLE = 'terraform_organizations';

class RunStore {
  static async create(database) {
    const knex = await database.getClient();
    if (!(await knex.schema.hasTable(TABLE))) {
      await knex.schema.createTable(TABLE, table => {
        table.string('run_id').primary();
        table.string('workspace_id').index();
        table.text('record').notNullable();
        table.timestamp('stored_at').notNullable();
      });
    }
    if (!(await knex.schema.hasTable(HEALTH_TABLE))) {
      await knex.schema.createTable(HEALTH_TABLE, table => {
        table.string('organization').primary();
        table.text('health').notNullable();
        table.timestamp('stored_at').notNullable();
      });
    }
    return new RunStore(knex);
  }

  constructor(knex) {
    this.knex = knex;
  }

  async get(runId) {
    const row = await this.knex(TABLE).where({ run_id: runId }).first();
    return row ? JSON.parse(row.record) : null;
  }

  /** Every record of a workspace's runs. */
  async forWorkspace(workspaceId) {
    const rows = await this.knex(TABLE).where({ workspace_id: workspaceId });
    return rows.map(row => JSON.parse(row.record));
  }

  async put(record) {
    await this.knex(TABLE)
      .insert({ run_id: record.runId, workspace_id: record.workspaceId ?? null, record: JSON.stringify(record), stored_at: new Date() })
      .onConflict('run_id')
      .merge();
  }

  /** The organization's OrganizationHealth, or null before its first sync outcome. */
  async health(organization) {
    const row = await this.knex(HEALTH_TABLE).where({ organization }).first();
    return row ? JSON.parse(row.health) : null;
  }

  async putHealth(health) {
    await this.knex(HEALTH_TABLE)
      .insert({ organization: health.organization, health: JSON.stringify(health), stored_at: new Date() })
      .onConflict('organization')
      .merge();
  }
}

module.exports = { RunStore };
