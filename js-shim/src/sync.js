'use strict';
// The `terraform` plugin's scheduled work per organization, on Backstage's scheduler (so with
// several replicas each task runs on one): the full sync and the incremental refresh read TFE
// through the core's planner and merge what they read into the plugin's state; the catalog module
// is then told which entities to render (events on CATALOG_TOPIC). A failed sync merges nothing.

const { runSync } = require('./drive');
const { CATALOG_TOPIC } = require('./topics');
const core = require('./core');
const { recordSync } = require('./metrics');

class OrganizationSync {
  constructor(org, { store, scheduler, events, logger, retention }) {
    this.org = org;
    this.retention = retention;
    this.store = store;
    this.scheduler = scheduler;
    this.events = events;
    this.organization = org.syncConfig.organization;
    this.host = new URL(org.syncConfig.baseUrl).host;
    this.name = `terraform:${this.organization}`;
    this.logger = logger.child({ target: this.name });
  }

  async schedule() {
    await this.scheduler.scheduleTask({ id: `${this.name}:sync`, ...this.org.schedule, fn: () => this.sync() });
    if (this.org.refresh) {
      await this.scheduler.scheduleTask({ id: `${this.name}:refresh`, ...this.org.refresh.schedule, fn: () => this.refresh() });
    }
  }

  /** Tells the catalog module what to render: everything (`full`), or these workspaces. */
  async announce(message) {
    try {
      await this.events.publish({ topic: CATALOG_TOPIC, eventPayload: { organization: this.organization, ...message } });
    } catch (e) {
      this.logger.warn(`could not announce a change to the catalog: ${e.message}`);
    }
  }

  async recordOutcome(error) {
    const outcome = { organization: this.organization, at: new Date().toISOString(), error };
    await this.store.putHealth(core.recordSyncOutcome(await this.store.health(this.organization), outcome));
  }

  /** One full sync. Resolves with the snapshot's stats; rejects (after logging) on failure. */
  async sync() {
    const started = Date.now();
    const measure = { organization: this.organization, host: this.host };
    let snapshot;
    try {
      const { previousNames, knownAssessments } = await this.store.syncInputs(this.organization);
      snapshot = await runSync({ ...this.org.syncConfig, previousNames, knownAssessments, readAssessments: true }, this.org.token);
    } catch (e) {
      recordSync({ ...measure, seconds: (Date.now() - started) / 1000, stats: e.stats });
      this.logger.warn(`sync failed, state and catalog left as they were: ${e.message}`);
      await this.recordOutcome(e.message);
      throw e;
    }
    const { changed, removed } = await this.store.applySnapshot(this.organization, snapshot.entities, snapshot.outputs);
    for (const { workspaceId, drift } of snapshot.assessments ?? []) {
      await this.store.mergeFact(this.organization, workspaceId, { type: 'assessment', drift });
    }
    const pruned = await this.store.pruneRuns(this.organization, this.retention);
    recordSync({ ...measure, seconds: (Date.now() - started) / 1000, stats: snapshot.stats, entities: snapshot.entities.length });
    await this.recordOutcome(null);
    await this.announce({ type: 'full' });
    this.logger.info(
      `synced ${snapshot.entities.length} entities in ${Date.now() - started} ms (${snapshot.stats.requests} ` +
        `requests, ${snapshot.stats.retries} retries, ${snapshot.stats.assessments} assessments read; ${changed} workspaces changed, ${removed.length} removed; ` +
        `${pruned} runs past retention removed)`,
    );
    return snapshot.stats;
  }

  /** An incremental refresh: the runs created in the last `windowMinutes`, merged like any fact. */
  async refresh() {
    const since = new Date(Date.now() - this.org.refresh.windowMinutes * 60_000).toISOString();
    const { runs = [] } = await runSync({ ...this.org.syncConfig, refreshSince: since }, this.org.token);
    const changed = [];
    for (const update of runs) {
      if (await applyRunFact(this.store, this.organization, update.workspaceId, core.factFromRunUpdate(update))) {
        changed.push(update.workspaceId);
      }
    }
    if (changed.length) await this.announce({ type: 'delta', workspaceIds: changed });
    this.logger.info(`refresh: ${runs.length} recent runs, ${changed.length} workspaces updated`);
    return changed.length;
  }
}

/**
 * A run fact from any source: merged into its workspace's state, and into the run's record when
 * the plugin keeps one (so a stored run never shows an older status than the workspace).
 * Resolves true when the workspace's state changed.
 */
async function applyRunFact(store, organization, workspaceId, fact) {
  if (fact.type === 'run') {
    await store.updateRun(organization, fact.run.runId, previous => previous && core.recordWithFact(previous, fact));
  }
  return Boolean(await store.mergeFact(organization, workspaceId, fact));
}

module.exports = { OrganizationSync, applyRunFact };
