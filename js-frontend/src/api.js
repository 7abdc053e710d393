// The client of the tfe-catalog backend plugin (`/api/terraform`). The cards read nothing else:
// no TFE call leaves the browser, and every answer is scoped by the backend to what the signed-in
// user may read in the catalog.
import { createApiRef } from '@backstage/core-plugin-api';

export const tfeCatalogApiRef = createApiRef({ id: 'plugin.tfe-catalog.service' });

/** An HTTP error carrying Backstage's error body message. */
export class TerraformApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'TerraformApiError';
    this.status = status;
  }
}

async function failure(res, what) {
  let message = `${what} failed: ${res.status} ${res.statusText}`;
  try {
    message = (await res.json())?.error?.message ?? message;
  } catch {
    // not Backstage's error body; keep the status line
  }
  return new TerraformApiError(res.status, message);
}

export class TfeCatalogClient {
  constructor({ discoveryApi, fetchApi }) {
    this.discoveryApi = discoveryApi;
    this.fetchApi = fetchApi;
  }

  async url(path) {
    return `${await this.discoveryApi.getBaseUrl('terraform')}${path}`;
  }

  /** `{entityRef, workspaces: [...], problems: [...]}` for an entity's page. */
  async getEntityStatus({ kind, namespace, name }) {
    const path = [kind, namespace ?? 'default', name].map(s => encodeURIComponent(s.toLocaleLowerCase('en-US'))).join('/');
    const res = await this.fetchApi.fetch(await this.url(`/entity/${path}/status`));
    if (!res.ok) throw await failure(res, 'Reading the Terraform status');
    return res.json();
  }

  /**
   * The runs the plugin has seen of an organization's workspaces, newest first, in the shape the
   * GlobalLogic card reads (`/organizations/:org/workspaces/:names/runs`).
   */
  async getRuns(organization, workspaceNames) {
    const names = workspaceNames.map(n => encodeURIComponent(n)).join(',');
    const res = await this.fetchApi.fetch(await this.url(`/organizations/${encodeURIComponent(organization)}/workspaces/${names}/runs`));
    if (!res.ok) throw await failure(res, 'Reading the runs');
    return res.json();
  }

  /** The plan's log as text (the backend reads it from TFE; the browser never sees TFE's URL). */
  async getPlanLog(runId) {
    const res = await this.fetchApi.fetch(await this.url(`/run/${encodeURIComponent(runId)}/plan-log`));
    if (!res.ok) throw await failure(res, `Reading the plan log of ${runId}`);
    return res.text();
  }

  /** The run's details (durations, resource changes, who triggered it, links). */
  async getRunSummary(runId) {
    const res = await this.fetchApi.fetch(await this.url(`/run/${encodeURIComponent(runId)}/summary`));
    if (!res.ok) throw await failure(res, `Reading run ${runId}`);
    return res.json();
  }

  /**
   * The run's status, or `{notModified: true}` while its ETag still matches `etag`: polling a
   * run that has not moved costs the backend one small comparison and the network no body.
   */
  async getRunStatus(runId, etag) {
    const res = await this.fetchApi.fetch(await this.url(`/run/${encodeURIComponent(runId)}/status`), {
      headers: etag ? { 'If-None-Match': etag } : {},
      cache: 'no-store',
    });
    if (res.status === 304) return { notModified: true, etag };
    if (!res.ok) throw await failure(res, `Polling run ${runId}`);
    return { status: await res.json(), etag: res.headers.get('ETag') ?? undefined };
  }
}
