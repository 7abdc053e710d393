'use strict';
// Reads runs from TFE when the plugin's state does not have them: one request per miss, with
// concurrent identical misses sharing it. Each configured organization's token is tried in turn,
// since a run id does not say which organization it belongs to.

const core = require('./core');

/** Plan logs of real runs are up to a few megabytes; anything larger is cut, with a note. */
const MAX_LOG_BYTES = 8 * 1024 * 1024;

/** Backstage's error handler answers 503 for this name. */
const unavailable = message => Object.assign(new Error(message), { name: 'ServiceUnavailableError' });

/** `GET /runs/:id?include=…` with the organization's token; throws `unavailable` when TFE is unreachable. */
async function getRun({ syncConfig, token }, runId, include) {
  const url = `${syncConfig.baseUrl.replace(/\/$/, '')}/api/v2/runs/${encodeURIComponent(runId)}?include=${include}`;
  try {
    return await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.api+json' },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw unavailable(`TFE at ${syncConfig.baseUrl} is unreachable: ${e.cause?.message ?? e.message}`);
  }
}

class RunFetcher {
  constructor({ organizations, store, logger }) {
    this.organizations = organizations;
    this.store = store;
    this.logger = logger;
    this.inflight = new Map();
  }

  /**
   * The run's record: the stored one unless it needs a fetch (core `needsFetch`), else fetched
   * from TFE and stored; null when no organization has the run. Reading the store inside the
   * shared promise closes the gap between a caller's earlier store read and a fetch that just
   * finished, so concurrent and back-to-back misses cost one TFE request.
   */
  fetch(runId) {
    if (!this.inflight.has(runId)) {
      const p = (async () => {
        const stored = await this.store.get(runId);
        return core.needsFetch(stored) ? this.fetchFromTfe(runId) : stored;
      })().finally(() => this.inflight.delete(runId));
      this.inflight.set(runId, p);
    }
    return this.inflight.get(runId);
  }

  async fetchFromTfe(runId) {
    let lastError;
    for (const org of this.organizations) {
      let res;
      try {
        res = await getRun(org, runId, 'plan,workspace,created_by');
      } catch (e) {
        lastError = e;
        continue;
      }
      if (res.status === 401 || res.status === 404) continue; // not this organization's run
      if (!res.ok) {
        lastError = unavailable(`TFE at ${org.syncConfig.baseUrl} answered ${res.status} for run ${runId}`);
        continue;
      }
      const { baseUrl, organization, namespace } = org.syncConfig;
      const record = core.recordFromDocument(await res.text(), { baseUrl, organization, namespace });
      await this.store.put(record);
      return record;
    }
    if (lastError) throw lastError;
    return null;
  }

  /**
   * The plan log of a run of `organization`: the run (with its plan) from TFE, then the plan's
   * pre-signed `log-read-url`, fetched without the token (TFE signs the URL itself). Null when
   * TFE has no such run or no log yet.
   */
  async planLog(runId, organization) {
    const org = this.organizations.find(o => o.syncConfig.organization === organization);
    if (!org) return null;
    const res = await getRun(org, runId, 'plan');
    if (res.status === 404) return null;
    if (!res.ok) throw unavailable(`TFE at ${org.syncConfig.baseUrl} answered ${res.status} for run ${runId}`);
    const url = core.planLogUrl(await res.text());
    if (!url) return null;
    let log;
    try {
      log = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw unavailable(`TFE at ${org.syncConfig.baseUrl} is unreachable: ${e.cause?.message ?? e.message}`);
    }
    if (!log.ok) throw unavailable(`the plan log of run ${runId} could not be read (${log.status})`);
    const text = await log.text();
    return text.length > MAX_LOG_BYTES ? `${text.slice(0, MAX_LOG_BYTES)}\n[log cut at ${MAX_LOG_BYTES} bytes]\n` : text;
  }
}

module.exports = { RunFetcher };
