'use strict';
// One EntityProvider per configured organization. Each scheduled sync runs the core's planner to a
// complete snapshot and applies it as one full mutation; a failed sync applies nothing, so the
// catalog keeps the organization's previous entities.

const { readOrganizations } = require('../config');
const { runSync, validateSyncConfig } = require('../drive');

class TerraformEntityProvider {
  /** One provider per entry of `terraform.organizations`. */
  static fromConfig(config, { logger, scheduler }) {
    return readOrganizations(config).map(org => {
      validateSyncConfig(org.syncConfig); // a bad namespace or owner fails at start-up, not at every sync
      return new TerraformEntityProvider(org, { logger, scheduler });
    });
  }

  constructor({ syncConfig, token, schedule }, { logger, scheduler }) {
    this.syncConfig = syncConfig;
    this.token = token;
    this.schedule = schedule;
    this.scheduler = scheduler;
    const host = new URL(syncConfig.baseUrl).host;
    this.name = `terraform:${host}/${syncConfig.organization}`;
    this.logger = logger.child({ target: this.name });
    this.connection = undefined;
  }

  getProviderName() {
    return this.name;
  }

  async connect(connection) {
    this.connection = connection;
    await this.scheduler.scheduleTask({
      id: `${this.name}:sync`,
      ...this.schedule,
      fn: () => this.sync(),
    });
  }

  /** One full sync. Resolves with the snapshot's stats; rejects (after logging) on failure. */
  async sync() {
    if (!this.connection) throw new Error(`${this.name} is not connected to the catalog`);
    const started = Date.now();
    try {
      const snapshot = await runSync(this.syncConfig, this.token);
      await this.connection.applyMutation({
        type: 'full',
        entities: snapshot.entities.map(entity => ({ entity, locationKey: this.name })),
      });
      this.logger.info(
        `synced ${snapshot.entities.length} entities in ${Date.now() - started} ms ` +
          `(${snapshot.stats.requests} requests, ${snapshot.stats.retries} retries)`,
      );
      return snapshot.stats;
    } catch (e) {
      this.logger.warn(`sync failed, catalog left as it was: ${e.message}`);
      throw e;
    }
  }
}

module.exports = { TerraformEntityProvider };
