'use strict';
// Reads runs from TFE when the plugin's state does not have them (or must read them again): one
// request per miss, concurrent identical misses sharing it, always with the token of the
// organization whose workspace the run belongs to in the plugin's registry.

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
  constructor({ organizations, store, logger, onStateChange = async () => {} }) {
    this.organizations = organizations;
    this.store = store;
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
    await new Promise(r => setTimeout(r, slot - Date.now()));
    const { baseUrl, namespace } = org.syncConfig;
    const url = `${baseUrl.replace(/\/$/, '')}/api/v2/workspaces/${encodeURIComponent(workspace.workspace_id)}/runs` +
      `?page%5Bsize%5D=${this.history.historyLength}&include=plan,created_by`;
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${org.token}`, Accept: 'application/vnd.api+json' },
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`TFE answered ${res.status} for the run list`);
    const records = core.recordsFromList(await res.text(), workspace.workspace_id, workspace.workspace_name, { baseUrl, organization, namespace });
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
    const res = await getRun(org, runId, 'plan,workspace,created_by');
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
