'use strict';
// The `terraform` plugin's routes. Every decision (signatures, payloads, records, views) is the
// core's; this file moves bytes between HTTP, the plugin's store, the catalog and the events bus.

const express = require('express');
const Router = require('express-promise-router');
const { InputError, NotFoundError, ServiceUnavailableError } = require('@backstage/errors');
const core = require('./core');
const { workspaceFilter, byWorkspaceId, byCurrentRun, ofOrganization } = require('./lookup');
const { NOTIFICATION_TOPIC } = require('./topics');

/** Real payloads are a few kilobytes. */
const MAX_NOTIFICATION_BYTES = 64 * 1024;

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
      if (notification.kind === 'run') {
        await store.put(core.recordFromEvent(await store.get(notification.runId), notification));
      }
      await events.publish({
        topic: NOTIFICATION_TOPIC,
        eventPayload: { organization: org.syncConfig.organization, notification },
      });
      return res.status(202).json({ status: 'accepted' });
    },
  );

  /**
   * The run, if the caller may read its workspace in the catalog; else 404, as for a run that
   * does not exist. A run the plugin has not stored yet is only fetched from TFE when it is the
   * current run of a workspace the caller can read, so no caller can use the plugin's token to
   * read arbitrary runs.
   */
  async function readableRun(req) {
    const { runId } = req.params;
    const credentials = await httpAuth.credentials(req);
    const stored = await store.get(runId);
    const filter = stored?.workspaceId ? byWorkspaceId(stored.workspaceId) : byCurrentRun(runId);
    const { items } = await catalog.getEntities({ filter, fields: ['metadata.annotations'] }, { credentials });
    if (items.length === 0) throw new NotFoundError(`run ${runId} not found`);
    return { stored, organization: items[0].metadata.annotations['terraform.io/organization'] };
  }

  router.get('/run/:runId/status', async (req, res) => {
    const { stored } = await readableRun(req);
    const found = stored ?? (await fetcher.fetch(req.params.runId));
    if (!found) throw new NotFoundError(`run ${req.params.runId} not found`);
    const view = core.statusView(found);
    res.set('ETag', view.etag);
    res.set('Cache-Control', 'no-cache');
    const ifNoneMatch = (req.get('if-none-match') ?? '').split(',').map(t => t.trim().replace(/^W\//, ''));
    if (ifNoneMatch.includes(view.etag) || ifNoneMatch.includes('*')) return res.status(304).end();
    const { etag, ...body } = view;
    return res.json(body);
  });

  router.get('/run/:runId/summary', async (req, res) => {
    let { stored: found } = await readableRun(req);
    if (core.needsFetch(found)) found = (await fetcher.fetch(req.params.runId)) ?? found;
    if (!found?.summary) throw new NotFoundError(`run ${req.params.runId} not found`);
    res.json(found.summary);
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

  // The status of a service's (or a workspace's) workspaces. The catalog is read with the
  // caller's credentials, so permission policies decide what the caller may see.
  router.get('/entity/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { kind, namespace, name } = req.params;
    const entity = await catalog.getEntityByRef({ kind, namespace, name }, { credentials });
    if (!entity) throw new NotFoundError(`entity ${kind}:${namespace}/${name} not found`);
    const workspaces = [];
    const selectors = core.statusSelectors(entity);
    for (const selector of selectors) {
      const { items } = await catalog.getEntities({ filter: workspaceFilter(selector) }, { credentials });
      for (const ws of items) {
        const runId = ws.metadata.annotations?.['terraform.io/run-id'];
        workspaces.push(core.workspaceStatus(ws, runId ? await store.get(runId) : null));
      }
    }
    const problems = await problemsOf(selectors.map(s => s.organization), credentials);
    res.json({ entityRef: `${kind}:${namespace}/${name}`.toLowerCase(), workspaces, problems });
  });

  // A drop-in backend for the GlobalLogic Terraform frontend (@globallogicuki/backstage-plugin-terraform):
  // its routes and shapes, answered from the plugin's state, and only for workspaces the caller
  // may read in the catalog, so the plugin's token is never a proxy to arbitrary workspaces.
  async function readableWorkspaces(req) {
    const credentials = await httpAuth.credentials(req);
    const { orgName, workspaceNames } = req.params;
    const names = workspaceNames.split(',').map(n => n.trim()).filter(Boolean);
    const found = [];
    for (const workspaceName of names) {
      const { items } = await catalog.getEntities({ filter: workspaceFilter({ organization: orgName, workspaceName }) }, { credentials });
      found.push(...items);
    }
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
    for (const entity of workspaces) {
      const id = entity.metadata.annotations?.['terraform.io/workspace-id'];
      items.push({ entity, records: id ? await store.forWorkspace(id) : [] });
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
    res.json(workspaces.map(ws => core.globallogicAssessment(ws)).filter(Boolean));
  });

  return router;
}

module.exports = { createRouter };
