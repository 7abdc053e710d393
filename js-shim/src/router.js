'use strict';
// The `terraform` plugin's routes. Every decision (signatures, payloads, records, views) is the
// core's; this file moves bytes between HTTP, the plugin's store, the catalog and the events bus.

const express = require('express');
const Router = require('express-promise-router');
const { InputError, NotFoundError, AuthenticationError } = require('@backstage/errors');
const core = require('./core');
const { workspaceFilter } = require('./lookup');

/** Topic on which accepted notifications reach the organization's entity provider. */
const NOTIFICATION_TOPIC = 'terraform.notification';
/** Real payloads are a few kilobytes. */
const MAX_NOTIFICATION_BYTES = 64 * 1024;

function createRouter({ organizations, store, fetcher, catalog, httpAuth, events, logger }) {
  const router = Router(); // async handlers' errors reach Backstage's error middleware

  router.get('/health', (_req, res) => res.json({ status: 'ok' }));

  // TFE notification webhooks: one URL per organization.
  router.post(
    '/notifications/:organization',
    express.raw({ type: () => true, limit: MAX_NOTIFICATION_BYTES }),
    async (req, res) => {
      const org = organizations.find(o => o.syncConfig.organization === req.params.organization);
      if (!org) throw new NotFoundError(`no organization ${req.params.organization} is configured`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        core.verifySignature(org.webhookToken ?? null, body, req.get('x-tfe-notification-signature') ?? null);
      } catch (e) {
        throw new AuthenticationError(e.message);
      }
      let notification;
      try {
        notification = core.parseNotification(body);
      } catch (e) {
        throw new InputError(`invalid notification: ${e.message}`);
      }
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

  async function record(runId) {
    const stored = await store.get(runId);
    return stored ?? (await fetcher.fetch(runId));
  }

  router.get('/run/:runId/status', async (req, res) => {
    const found = await record(req.params.runId);
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
    let found = await store.get(req.params.runId);
    if (core.needsFetch(found)) found = (await fetcher.fetch(req.params.runId)) ?? found;
    if (!found?.summary) throw new NotFoundError(`run ${req.params.runId} not found`);
    res.json(found.summary);
  });

  // The status of a service's (or a workspace's) workspaces. The catalog is read with the
  // caller's credentials, so permission policies decide what the caller may see.
  router.get('/entity/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { kind, namespace, name } = req.params;
    const entity = await catalog.getEntityByRef({ kind, namespace, name }, { credentials });
    if (!entity) throw new NotFoundError(`entity ${kind}:${namespace}/${name} not found`);
    const workspaces = [];
    for (const selector of core.statusSelectors(entity)) {
      const { items } = await catalog.getEntities({ filter: workspaceFilter(selector) }, { credentials });
      for (const ws of items) {
        const runId = ws.metadata.annotations?.['terraform.io/run-id'];
        workspaces.push(core.workspaceStatus(ws, runId ? await store.get(runId) : null));
      }
    }
    res.json({ entityRef: `${kind}:${namespace}/${name}`.toLowerCase(), workspaces });
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
    if (found.length === 0) throw new NotFoundError(`no workspace ${names.join(', ')} of organization ${orgName} is in the catalog for you`);
    return found;
  }

  async function globallogicRuns(req) {
    const workspaces = await readableWorkspaces(req);
    const items = [];
    for (const entity of workspaces) {
      const id = entity.metadata.annotations?.['terraform.io/workspace-id'];
      items.push({ entity, records: id ? await store.forWorkspace(id) : [] });
    }
    return core.globallogicRuns(items);
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

module.exports = { createRouter, NOTIFICATION_TOPIC };
