'use strict';
// Reads runs from TFE when the plugin's state does not have them: one request per miss, with
// concurrent identical misses sharing it. Each configured organization's token is tried in turn,
// since a run id does not say which organization it belongs to.

const core = require('./core');
const tfe = require('./tfe');

/** The core's plan log size limit, and the note appended to a log cut there. */
const planLogLimits = core.planLogLimits();

/** Backstage's error handler answers 503 for this name. */
const unavailable = message => Object.assign(new Error(message), { name: 'ServiceUnavailableError' });

/**
 * `GET /runs/:id?include=…` with the organization's token, through the TFE client (the token's
 * request budget, no redirects, a size bound, redacted errors; concurrent identical reads share one
 * request). Resolves `{status, ok, text()}`; throws a 503 error when TFE is unreachable.
 */
async function getRun({ syncConfig, token, maxResponseBytes }, runId, include) {
  const url = `${syncConfig.baseUrl.replace(/\/$/, '')}/api/v2/runs/${encodeURIComponent(runId)}?include=${include}`;
  const res = await tfe.sharedGet(url, token, { maxBytes: maxResponseBytes, timeoutMs: 15_000 });
  return { status: res.status, ok: res.status >= 200 && res.status < 300, text: async () => res.body };
}

class RunFetcher {
  constructor({ organizations, store, logger, planLogs }) {
    this.organizations = organizations;
    this.store = store;
    this.planLogs = planLogs;
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
   * The plan log of a run of `organization`: a finished plan's log from the plugin's database, else
   * the run (with its plan) from TFE, then the plan's pre-signed `log-read-url`, fetched without the
   * token (TFE signs the URL itself) and only from a host the core trusts (the configured one, or
   * HCP Terraform's archivist). Null when TFE has no such run or no log yet.
   */
  planLog(runId, organization) {
    // Concurrent views of one log share one read (the run lookup is shared by the client already).
    this.logsInFlight ??= new Map();
    const key = `${organization}\n${runId}`;
    if (!this.logsInFlight.has(key)) {
      this.logsInFlight.set(key, this.readPlanLog(runId, organization).finally(() => this.logsInFlight.delete(key)));
    }
    return this.logsInFlight.get(key);
  }

  async readPlanLog(runId, organization) {
    const org = this.organizations.find(o => o.syncConfig.organization === organization);
    if (!org) return null;
    const kept = await this.planLogs?.get(organization, runId);
    if (kept != null) return kept;
    const res = await getRun(org, runId, 'plan');
    if (res.status === 404) return null;
    if (!res.ok) throw unavailable(`TFE at ${org.syncConfig.baseUrl} answered ${res.status} for run ${runId}`);
    let source;
    try {
      source = core.planLogSource(await res.text(), org.syncConfig.baseUrl, org.allowInsecureHttp);
    } catch (e) {
      this.logger.warn(`refused to read the plan log of run ${runId} (${organization}): ${e.message}`);
      throw unavailable(`the plan log of run ${runId} is not available`);
    }
    if (!source) return null;
    const { maxBytes, cutNote } = planLogLimits;
    const { text, cut } = await tfe.fetchLog(source.url, { maxBytes });
    const log = cut ? `${text}${cutNote}` : text;
    if (source.cacheable) await this.planLogs?.put(organization, runId, log);
    return log;
  }
}

module.exports = { RunFetcher };
