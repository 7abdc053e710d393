'use strict';
// Finished plans' logs, kept in the plugin's database: a finished plan's log never changes, so
// each is read from TFE once. Logs are stored as read, already cut at the core's size limit.

const TABLE = 'terraform_plan_logs';

class PlanLogStore {
  /** The table comes from the plugin's migrations (store.js), which run first. */
  static async create(database) {
    return new PlanLogStore(await database.getClient());
  }

  constructor(knex) {
    this.knex = knex;
  }

  async get(organization, runId) {
    const row = await this.knex(TABLE).where({ organization, run_id: runId }).first();
    return row ? row.log : null;
  }

  async put(organization, runId, log) {
    await this.knex(TABLE)
      .insert({ organization, run_id: runId, log, stored_at: new Date() })
      .onConflict(['organization', 'run_id'])
      .merge(['log', 'stored_at']);
  }
}

module.exports = { PlanLogStore };
