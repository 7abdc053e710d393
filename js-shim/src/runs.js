'use strict';
// Reads runs from TFE when the plugin's state does not have them (or must read them again): one
// request per miss, concurrent identical misses sharing it, always with the token of the
// organization whose workspace the run belongs to in the plugin's registry. Every call goes
// through the TFE client (tfe.js): the token's request budget, no redirects, a size bound.

const core = require('./core');
const tfe = require('./tfe');

/** The core's plan log size limit, and the note appended to a log cut there. */
const planLogLimits = core.planLogLimits();
/** What a run read and a run-list read include (the core's: who and what triggered each run too). */
const includes = core.runIncludes();

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
  constructor({ organizations, store, logger, planLogs, onStateChange = async () => {} }) {
    this.organizations = organizations;
    this.store = store;
    this.planLogs = planLogs;
    this.logger = logger;
    this.onStateChange = onStateChange;
    this.inflight = new Map();
    this.history = core.historyPolicy();
    /** Per organization: when its next run-list read may go (run lists have their own per-minute limit). */
    this.runListSlots = new Map();
  }

  /**
   * Back-fills a workspace's run history (a registry row) from TFE's run list, once (and again a
   * day later), so the history shows runs the plugin did not see happen. Run-list reads are
   * paced per organization at the core's run-list interval. Failures leave what is stored.
   */
  backfill(workspace) {
    const readAt = workspace.history_read_at ? new Date(workspace.history_read_at).getTime() : 0;
    if (Date.now() - readAt < 86_400_000) return Promise.resolve();
    const key = `history:${workspace.organization}/${workspace.workspace_id}`;
    if (!this.inflight.has(key)) {
      const p = this.readHistory(workspace)
        .catch(e => this.logger.warn(`could not read the run history of ${workspace.workspace_id}: ${e.message}`))
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return this.inflight.get(key);
  }

  async readHistory(workspace) {
    const org = this.organizations.find(o => o.syncConfig.organization === workspace.organization);
    if (!org) return;
    const { organization } = workspace;
    const slot = Math.max(Date.now(), this.runListSlots.get(organization) ?? 0);
    this.runListSlots.set(organization, slot + this.history.runListIntervalMs);
    await tfe.sleep(slot - Date.now());
    const { baseUrl, namespace } = org.syncConfig;
    const url = `${baseUrl.replace(/\/$/, '')}/api/v2/workspaces/${encodeURIComponent(workspace.workspace_id)}/runs` +
      `?page%5Bsize%5D=${this.history.historyLength}&include=${includes.runList}`;
    const res = await tfe.apiGet(url, org.token, { maxBytes: org.maxResponseBytes, timeoutMs: 15_000 });
    if (res.status !== 200) throw new Error(`TFE answered ${res.status} for the run list`);
    const records = core.recordsFromList(res.body, workspace.workspace_id, workspace.workspace_name, { baseUrl, organization, namespace });
    const now = Date.now();
    for (const fetched of records) {
      await this.store.updateRun(organization, fetched.runId, stored => core.mergeFetched(stored, fetched, now));
    }
    await this.store.markHistoryRead(organization, workspace.workspace_id, new Date(now));
  }

  /**
   * The record of a run of `workspace` (a registry row): the stored one unless the core says it
   * must be read again (never read, made stale by a newer fact, or still moving past its TTL;
   * for `statusOnly` reads, only the status must be current),
   * else read from TFE with that organization's token, merged with what is stored, and its facts
   * merged into the workspace's state. Null when TFE has no such run of that workspace. Reading
   * the store inside the shared promise means concurrent and back-to-back misses cost one request.
   */
  fetch(workspace, runId, { statusOnly = false } = {}) {
    const key = `${workspace.organization}/${runId}/${statusOnly}`;
    if (!this.inflight.has(key)) {
      const p = (async () => {
        const stored = await this.store.run(workspace.organization, runId);
        const needed = statusOnly ? core.needsStatusFetch(stored, Date.now()) : core.needsFetch(stored, Date.now());
        if (!needed) return stored;
        return (await this.fetchFromTfe(workspace, runId)) ?? stored;
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return this.inflight.get(key);
  }

  async fetchFromTfe(workspace, runId) {
    const org = this.organizations.find(o => o.syncConfig.organization === workspace.organization);
    if (!org) return null;
    const res = await getRun(org, runId, includes.run);
    if (res.status === 401 || res.status === 404) return null;
    if (!res.ok) throw unavailable(`TFE at ${org.syncConfig.baseUrl} answered ${res.status} for run ${runId}`);
    const { baseUrl, organization, namespace } = org.syncConfig;
    const fetched = core.recordFromDocument(await res.text(), { baseUrl, organization, namespace });
    // A token can see several organizations: a run is only this workspace's if TFE says so.
    if (fetched.workspaceId !== workspace.workspace_id) {
      this.logger.warn(`run ${runId} belongs to workspace ${fetched.workspaceId}, not ${workspace.workspace_id}: not stored`);
      return null;
    }
    const now = Date.now();
    const record = await this.store.updateRun(organization, runId, stored => core.mergeFetched(stored, fetched, now));
    if (await this.store.mergeFact(organization, workspace.workspace_id, core.factFromRecord(record))) {
      await this.onStateChange(organization, [workspace.workspace_id]);
    }
    return record;
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
