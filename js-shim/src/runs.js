'use strict';
// Reads runs from TFE when the plugin's state does not have them: one request per miss, with
// concurrent identical misses sharing it. Each configured organization's token is tried in turn,
// since a run id does not say which organization it belongs to.

const core = require('./core');

class RunFetcher {
  constructor({ organizations, store, logger }) {
    this.organizations = organizations;
    this.store = store;
    this.logger = logger;
    this.inflight = new Map();
  }

  /** The run's record, fetched from TFE and stored; null when no organization has the run. */
  fetch(runId) {
    if (!this.inflight.has(runId)) {
      const p = this.fetchFromTfe(runId).finally(() => this.inflight.delete(runId));
      this.inflight.set(runId, p);
    }
    return this.inflight.get(runId);
  }

  async fetchFromTfe(runId) {
    let lastError;
    for (const { syncConfig, token } of this.organizations) {
      const url = `${syncConfig.baseUrl.replace(/\/$/, '')}/api/v2/runs/${encodeURIComponent(runId)}?include=plan,workspace,created_by`;
      let res;
      try {
        res = await fetch(url, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.api+json' },
          signal: AbortSignal.timeout(15_000),
        });
      } catch (e) {
        lastError = new Error(`TFE at ${syncConfig.baseUrl} is unreachable: ${e.cause?.message ?? e.message}`);
        continue;
      }
      if (res.status === 401 || res.status === 404) continue; // not this organization's run
      if (!res.ok) {
        lastError = new Error(`TFE at ${syncConfig.baseUrl} answered ${res.status} for run ${runId}`);
        continue;
      }
      const record = core.recordFromDocument(await res.text(), {
        baseUrl: syncConfig.baseUrl,
        organization: syncConfig.organization,
        namespace: syncConfig.namespace,
      });
      await this.store.put(record);
      return record;
    }
    if (lastError) throw Object.assign(lastError, { name: 'ServiceUnavailableError' });
    return null;
  }
}

module.exports = { RunFetcher };
