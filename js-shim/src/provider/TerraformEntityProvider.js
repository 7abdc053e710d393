'use strict';
// One EntityProvider per configured organization. Each scheduled sync runs the core's planner to a
// complete snapshot and applies it as one full mutation; a failed sync applies nothing, so the
// catalog keeps the organization's previous entities.

const { readOrganizations } = require('../config');
const { runSync, validateSyncConfig } = require('../drive');
const { NOTIFICATION_TOPIC, SYNC_TOPIC } = require('../topics');
const core = require('../core');
const { recordSync } = require('../metrics');
const { byWorkspaceId } = require('../lookup');

class TerraformEntityProvider {
  /** One provider per entry of `terraform.organizations`. */
  static fromConfig(config, deps) {
    return readOrganizations(config).map(org => {
      validateSyncConfig(org.syncConfig); // a bad namespace or owner fails at start-up, not at every sync
      return new TerraformEntityProvider(org, deps);
    });
  }

  constructor({ syncConfig, token, schedule, refresh }, { logger, scheduler, events, catalogApi, auth }) {
    this.refreshConfig = refresh;
    this.events = events;
    this.catalogApi = catalogApi;
    this.auth = auth;
    this.syncConfig = syncConfig;
    this.token = token;
    this.schedule = schedule;
    this.scheduler = scheduler;
    this.host = new URL(syncConfig.baseUrl).host;
    this.name = `terraform:${this.host}/${syncConfig.organization}`;
    this.logger = logger.child({ target: this.name });
    this.connection = undefined;
  }

  getProviderName() {
    return this.name;
  }

  async connect(connection) {
    this.connection = connection;
    await this.events?.subscribe({
      id: `${this.name}:notifications`,
      topics: [NOTIFICATION_TOPIC],
      onEvent: ({ eventPayload }) => this.onNotification(eventPayload),
    });
    await this.scheduler.scheduleTask({
      id: `${this.name}:sync`,
      ...this.schedule,
      fn: () => this.sync(),
    });
    if (this.refreshConfig) {
      await this.scheduler.scheduleTask({
        id: `${this.name}:refresh`,
        ...this.refreshConfig.schedule,
        fn: () => this.refresh(),
      });
    }
  }

  /**
   * A verified notification of this provider's organization: the workspace entity is updated by
   * delta mutation, without waiting for the next sync.
   */
  async onNotification({ organization, notification }) {
    if (organization !== this.syncConfig.organization || !this.connection) return;
    if (!notification.workspaceId) return;
    const applied = await this.updateWorkspace(notification.workspaceId, e => core.applyNotification(e, notification));
    if (applied) this.logger.info(`${notification.kind} notification applied to workspace ${notification.workspaceId}`);
  }

  /**
   * Replaces the workspace's entity by `update(current)` in one delta mutation, unless the core
   * says nothing changes (null). Resolves with the number of entities updated.
   */
  async updateWorkspace(workspaceId, update) {
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalogApi.getEntities(
      { filter: byWorkspaceId(workspaceId) },
      { credentials },
    );
    const added = items.map(update).filter(Boolean).map(entity => ({ entity, locationKey: this.name }));
    if (added.length) await this.connection.applyMutation({ type: 'delta', added, removed: [] });
    return added.length;
  }

  /**
   * An incremental refresh: the runs created in the last `windowMinutes`, applied to their
   * workspace entities by delta mutation. A failed refresh changes nothing.
   */
  async refresh() {
    if (!this.connection) throw new Error(`${this.name} is not connected to the catalog`);
    const since = new Date(Date.now() - this.refreshConfig.windowMinutes * 60_000).toISOString();
    const { runs = [] } = await runSync({ ...this.syncConfig, refreshSince: since }, this.token);
    let applied = 0;
    for (const run of runs) {
      applied += await this.updateWorkspace(run.workspaceId, e => core.applyRunUpdate(e, run));
    }
    this.logger.info(`refresh: ${runs.length} recent runs, ${applied} entities updated`);
    return applied;
  }

  /**
   * Tells the `terraform` plugin how a sync went, so that pages can say "TFE could not be read"
   * rather than "not found". Best effort: a lost report only delays that message.
   */
  async report(error) {
    const outcome = { organization: this.syncConfig.organization, at: new Date().toISOString(), error };
    try {
      await this.events?.publish({ topic: SYNC_TOPIC, eventPayload: outcome });
    } catch (e) {
      this.logger.warn(`could not report the sync outcome: ${e.message}`);
    }
  }

  /** One full sync. Resolves with the snapshot's stats; rejects (after logging) on failure. */
  async sync() {
    if (!this.connection) throw new Error(`${this.name} is not connected to the catalog`);
    const started = Date.now();
    const measure = { organization: this.syncConfig.organization, host: this.host };
    try {
      const snapshot = await runSync(this.syncConfig, this.token);
      await this.connection.applyMutation({
        type: 'full',
        entities: snapshot.entities.map(entity => ({ entity, locationKey: this.name })),
      });
      recordSync({ ...measure, seconds: (Date.now() - started) / 1000, stats: snapshot.stats, entities: snapshot.entities.length });
      await this.report(null);
      this.logger.info(
        `synced ${snapshot.entities.length} entities in ${Date.now() - started} ms ` +
          `(${snapshot.stats.requests} requests, ${snapshot.stats.retries} retries)`,
      );
      return snapshot.stats;
    } catch (e) {
      recordSync({ ...measure, seconds: (Date.now() - started) / 1000, stats: e.stats });
      this.logger.warn(`sync failed, catalog left as it was: ${e.message}`);
      await this.report(e.message);
      throw e;
    }
  }
}

module.exports = { TerraformEntityProvider };
