'use strict';
// The `terraform` plugin's routes. Every decision (signatures, payloads, merges, views) is the
// core's; this file moves bytes between HTTP, the plugin's store, the catalog and the events bus.
//
// What a caller may see is decided by the plugin's own workspace registry (written by syncs) and
// the catalog's permission check on the entity the plugin itself made for that workspace, never
// by annotations on entities others wrote: a Resource that copies a workspace's annotations
// authorizes nothing.

const express = require('express');
const Router = require('express-promise-router');
const { InputError, NotFoundError, ServiceUnavailableError } = require('@backstage/errors');
const core = require('./core');
const { applyRunFact } = require('./sync');
const { CATALOG_TOPIC } = require('./topics');

const { annotations: ANNOTATIONS, limits: LIMITS } = core.constants();
/** The core's bound on a notification body (real payloads are a few kilobytes). */
const MAX_NOTIFICATION_BYTES = LIMITS.maxNotificationBytes;

/**
 * The one answer to an unauthenticated notification: unknown organization, no webhook token
 * configured, missing or bad signature. The caller cannot tell them apart; the log can.
 */
const REFUSED = {
  error: {
    name: 'AuthenticationError',
    message: 'notification refused: it must be signed (X-TFE-Notification-Signature) with the webhook token configured for this organization',
  },
};

/** Caller-controlled text as it may appear in a log line. */
const printable = text => String(text).replace(/[^\x20-\x7e]/g, '?');

function createRouter({ organizations, store, fetcher, catalog, httpAuth, events, logger, baseUrl }) {
  const router = Router(); // async handlers' errors reach Backstage's error middleware

  /** Tells the organization's entity provider to render these workspaces again. */
  async function announce(organization, workspaceIds) {
    await events.publish({ topic: CATALOG_TOPIC, eventPayload: { organization, type: 'delta', workspaceIds } });
  }
  fetcher.onStateChange = announce;

  /**
   * Any entity of the organization: its workspaces, and entities annotated with it (with the
   * organization key, or the community one).
   */
  const ofOrganization = organization => [
    { [`metadata.annotations.${ANNOTATIONS.organization}`]: organization },
    { [`metadata.annotations.${ANNOTATIONS.communityOrganization}`]: organization },
  ];

  /** The registry rows among `rows` whose own entity the caller may read in the catalog. */
  async function readable(req, rows) {
    if (rows.length === 0) return [];
    const credentials = await httpAuth.credentials(req);
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: rows.map(r => r.entity_ref), fields: ['kind', 'metadata.namespace', 'metadata.name'] },
      { credentials },
    );
    return rows.filter((_, i) => items[i]);
  }

  router.get('/health', (_req, res) => res.json({ status: 'ok' }));

  // TFE notification webhooks: one URL per organization.
  router.post(
    '/notifications/:organization',
    express.raw({ type: () => true, limit: MAX_NOTIFICATION_BYTES }),
    async (req, res) => {
      const { organization } = req.params;
      const org = organizations.find(o => o.syncConfig.organization === organization);
      const auth = org ? { token: org.webhookToken ?? null, unsigned: org.allowUnsignedNotifications } : null;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = core.receiveNotification(organization, auth, body, req.get('x-tfe-notification-signature') ?? null);
      if (result.refused) logger.warn(`refused a notification: ${printable(result.message)}`);
      if (result.refused === 'unauthenticated') return res.status(401).json(REFUSED);
      if (result.refused === 'mismatch') {
        return res.status(403).json({ error: { name: 'NotAllowedError', message: `notification refused: ${result.message}` } });
      }
      if (result.refused) throw new InputError(`invalid notification: ${result.message}`);
      const notification = result.accepted;
      if (notification.kind === 'verification') return res.status(200).json({ status: 'verified' });
      if (notification.kind === 'unknown') {
        logger.info(`ignored a notification with unknown trigger ${notification.trigger}`);
        return res.status(202).json({ status: 'ignored', trigger: notification.trigger });
      }
      const workspaceId = notification.workspaceId;
      // Only workspaces of this organization in the plugin's registry are written.
      const workspace = workspaceId ? await store.workspace(organization, workspaceId) : null;
      if (!workspace) {
        logger.warn(`ignored a ${notification.kind} notification for workspace ${workspaceId ?? '(none)'}, not a workspace of ${organization}`);
        return res.status(202).json({ status: 'ignored' });
      }
      if (notification.kind === 'run') {
        await store.updateRun(organization, notification.runId, previous => core.recordFromEvent(previous, notification));
      }
      const fact = core.factFromNotification(notification);
      if (fact && (await applyRunFact(store, organization, workspaceId, fact))) {
        logger.info(`${notification.kind} notification applied to workspace ${workspaceId}`);
        await announce(organization, [workspaceId]);
      }
      return res.status(202).json({ status: 'accepted' });
    },
  );

  /**
   * The run and its workspace (a registry row), if the caller may read that workspace's entity;
   * else 404, as for a run that does not exist. A run is known through the plugin's records or as
   * a workspace's current run; nothing else is ever read from TFE, so no caller can use the
   * plugin's token to read arbitrary runs.
   */
  async function readableRun(req) {
    const { runId } = req.params;
    const candidates = await store.byCurrentRun(runId);
    for (const org of organizations) {
      const stored = await store.run(org.syncConfig.organization, runId);
      if (stored?.workspaceId && !candidates.some(w => w.workspace_id === stored.workspaceId)) {
        const ws = await store.workspace(org.syncConfig.organization, stored.workspaceId);
        if (ws) candidates.push(ws);
      }
    }
    const [workspace] = await readable(req, candidates);
    if (!workspace) throw new NotFoundError(`run ${runId} not found`);
    return workspace;
  }

  /** The run's record, read from TFE when the core says so. */
  async function runRecord(req, options) {
    const workspace = await readableRun(req);
    const record = await fetcher.fetch(workspace, req.params.runId, options);
    if (!record) throw new NotFoundError(`run ${req.params.runId} not found`);
    return { workspace, record };
  }

  router.get('/run/:runId/status', async (req, res) => {
    const { record } = await runRecord(req, { statusOnly: true });
    const view = core.statusView(record);
    res.set('ETag', view.etag);
    res.set('Cache-Control', 'no-cache');
    const ifNoneMatch = (req.get('if-none-match') ?? '').split(',').map(t => t.trim().replace(/^W\//, ''));
    if (ifNoneMatch.includes(view.etag) || ifNoneMatch.includes('*')) return res.status(304).end();
    const { etag, ...body } = view;
    return res.json(body);
  });

  router.get('/run/:runId/summary', async (req, res) => {
    const { record } = await runRecord(req);
    if (!record.summary) throw new NotFoundError(`run ${req.params.runId} not found`);
    res.json(record.summary);
  });

  // The plan log, read from TFE on request (the GlobalLogic card links it as `plan.logs`).
  router.get('/run/:runId/plan-log', async (req, res) => {
    const { organization } = await readableRun(req);
    const log = await fetcher.planLog(req.params.runId, organization);
    if (log === null) throw new NotFoundError(`run ${req.params.runId} has no plan log`);
    res.set('Content-Type', 'text/plain; charset=utf-8');
    res.set('Cache-Control', 'private, no-store');
    res.send(log);
  });

  /**
   * The problems (failed syncs) of these organizations, each named once, and only of
   * organizations of which the caller may read at least one entity: a sync error names TFE URLs
   * and details that are not everyone's to see.
   */
  async function problemsOf(organizationNames, credentials) {
    const problems = [];
    for (const organization of new Set(organizationNames)) {
      const health = await store.health(organization);
      const problem = health && core.syncProblem(health);
      if (!problem) continue;
      const { items } = await catalog.getEntities(
        { filter: ofOrganization(organization), fields: ['metadata.name'], limit: 1 },
        { credentials },
      );
      if (items.length > 0) problems.push(problem);
    }
    return problems;
  }

  // The status of a service's (or a workspace's, or a template's) workspaces: the entity is read
  // with the caller's credentials, and each workspace it names is shown only if the caller may
  // read that workspace's own entity.
  router.get('/entity/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { kind, namespace, name } = req.params;
    const entity = await catalog.getEntityByRef({ kind, namespace, name }, { credentials });
    if (!entity) throw new NotFoundError(`entity ${kind}:${namespace}/${name} not found`);
    const selectors = core.statusSelectors(entity);
    const rows = [];
    for (const selector of selectors) rows.push(...(await store.select(selector)));
    const workspaces = [];
    const rendered = [];
    for (const ws of await readable(req, rows)) {
      const runId = ws.state.run?.runId;
      const record = runId ? await store.run(ws.organization, runId) : null;
      rendered.push(core.renderWorkspace(ws.state));
      workspaces.push(core.workspaceStateStatus(ws.state, record));
    }
    const problems = await problemsOf(selectors.map(s => s.organization), credentials);
    const health = core.infrastructureHealth(rendered);
    res.json({ entityRef: `${kind}:${namespace}/${name}`.toLowerCase(), workspaces, problems, health });
  });

  // A drop-in backend for the GlobalLogic Terraform frontend (@globallogicuki/backstage-plugin-terraform):
  // its routes and shapes, answered from the plugin's state, and only for workspaces the caller
  // may read in the catalog, so the plugin's token is never a proxy to arbitrary workspaces.
  async function readableWorkspaces(req) {
    const credentials = await httpAuth.credentials(req);
    const { orgName, workspaceNames } = req.params;
    const names = workspaceNames.split(',').map(n => n.trim()).filter(Boolean);
    const rows = [];
    for (const workspaceName of names) rows.push(...(await store.select({ organization: orgName, workspaceName })));
    const found = await readable(req, rows);
    if (found.length === 0) {
      const [problem] = await problemsOf([orgName], credentials);
      if (problem?.noData) throw new ServiceUnavailableError(problem.message);
      throw new NotFoundError(`no workspace ${names.join(', ')} of organization ${orgName} is in the catalog for you`);
    }
    return found;
  }

  async function globallogicRuns(req) {
    const workspaces = await readableWorkspaces(req);
    const items = [];
    await Promise.all(workspaces.map(ws => fetcher.backfill(ws)));
    for (const ws of workspaces) {
      items.push({ entity: core.renderWorkspace(ws.state), records: await store.runsOfWorkspace(ws.organization, ws.workspace_id) });
    }
    return core.globallogicRuns(items, baseUrl);
  }

  router.get('/organizations/:orgName/workspaces/:workspaceNames/runs', async (req, res) => {
    res.json(await globallogicRuns(req));
  });

  router.get('/organizations/:orgName/workspaces/:workspaceNames/latestRun', async (req, res) => {
    const [latest] = await globallogicRuns(req);
    res.json(latest ?? null);
  });

  router.get('/organizations/:orgName/workspaces/:workspaceNames/assessment-results', async (req, res) => {
    const workspaces = await readableWorkspaces(req);
    res.json(workspaces.map(ws => core.globallogicAssessment(core.renderWorkspace(ws.state))).filter(Boolean));
  });

  // What the catalog module reads: service credentials only.
  async function fromService(req) {
    await httpAuth.credentials(req, { allow: ['service'] });
  }

  router.get('/internal/organizations/:organization/entities', async (req, res) => {
    await fromService(req);
    const { organization } = req.params;
    const rendered = await store.renderOrganization(organization);
    res.json({ ...rendered, refreshKeys: rendered.entities ? await store.refreshKeys(organization) : [] });
  });

  router.get('/internal/organizations/:organization/changes', async (req, res) => {
    await fromService(req);
    const { organization } = req.params;
    const { workspaceIds, cursor } = await store.changesSince(organization, Number(req.query.since ?? 0));
    res.json({ ...(await renderChanged(organization, workspaceIds)), cursor });
  });

  router.get('/internal/organizations/:organization/workspaces/:ids/entities', async (req, res) => {
    await fromService(req);
    const ids = req.params.ids.split(',').filter(Boolean);
    res.json(await renderChanged(req.params.organization, ids));
  });

  /**
   * Changed workspaces' entities, their Systems (whose health follows them), and the refresh
   * keys of the services running on them (whose health and blueprint annotations follow them too).
   */
  async function renderChanged(organization, workspaceIds) {
    const workspaces = await store.renderWorkspaces(organization, workspaceIds);
    const systems = await store.renderSystemsOf(organization, workspaceIds);
    const refreshKeys = workspaceIds.length ? await store.refreshKeys(organization, workspaceIds) : [];
    return { entities: [...workspaces, ...systems], refreshKeys };
  }

  // The service processor's lookups: [{selector, found: [{kind, namespace, name}], workspaces, links}]:
  // the found workspaces as the plugin's state renders them (their health and upgrades), and the
  // links their outputs give the services that depend on them.
  router.get('/internal/workspaces', async (req, res) => {
    await fromService(req);
    let selectors;
    try {
      selectors = JSON.parse(String(req.query.selectors ?? '[]'));
    } catch {
      throw new InputError('selectors must be JSON');
    }
    const resolved = [];
    for (const selector of selectors) {
      const rows = await store.select(selector);
      const found = rows.map(row => {
        const [kind, rest] = row.entity_ref.split(':');
        const [namespace, name] = rest.split('/');
        return { kind, namespace, name };
      });
      const workspaces = rows.map(row => core.renderWorkspace(row.state));
      const links = workspaces.flatMap(w => core.serviceOutputLinks(w));
      resolved.push({ selector, found, workspaces, links });
    }
    res.json({ resolved });
  });

  return router;
}

module.exports = { createRouter };
