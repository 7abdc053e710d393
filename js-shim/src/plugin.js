'use strict';
// The `terraform` backend plugin: its HTTP routes under /api/terraform, its state in its own
// database. The webhook authenticates with its HMAC and /health is public; every other route
// needs Backstage credentials (the default policy).

const { coreServices, createBackendPlugin } = require('@backstage/backend-plugin-api');
const { catalogServiceRef } = require('@backstage/plugin-catalog-node');
const { eventsServiceRef } = require('@backstage/plugin-events-node');
const { readOrganizations } = require('./config');
const { RunStore } = require('./store');
const { RunFetcher } = require('./runs');
const { PlanLogStore } = require('./planlogs');
const { createRouter } = require('./router');
const { SYNC_TOPIC } = require('./topics');
const core = require('./core');

const terraformPlugin = createBackendPlugin({
  pluginId: 'terraform',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({ httpRouter, httpAuth, config, database, logger, discovery, catalog, events }) {
        const organizations = readOrganizations(config);
        for (const { syncConfig, webhookToken, allowUnsignedNotifications } of organizations) {
          if (webhookToken === undefined && allowUnsignedNotifications) {
            logger.warn(`terraform.organizations (${syncConfig.organization}): allowUnsignedNotifications is set: anyone who can reach /api/terraform/notifications/${syncConfig.organization} can change its run status; set webhookToken instead`);
          }
        }
        const store = await RunStore.create(database);
        const planLogs = await PlanLogStore.create(database);
        const fetcher = new RunFetcher({ organizations, store, logger, planLogs });
        // Sync outcomes from the catalog module, kept where every replica reads them.
        await events.subscribe({
          id: 'terraform:sync-outcomes',
          topics: [SYNC_TOPIC],
          onEvent: async ({ eventPayload }) => {
            try {
              await store.putHealth(core.recordSyncOutcome(await store.health(eventPayload.organization), eventPayload));
            } catch (e) {
              // Best effort, like the report itself (e.g. an outcome arriving while the backend stops).
              logger.warn(`could not record the sync outcome of ${eventPayload?.organization}: ${e.message}`);
            }
          },
        });
        const baseUrl = await discovery.getExternalBaseUrl('terraform');
        httpRouter.use(createRouter({ organizations, store, fetcher, catalog, httpAuth, events, logger, baseUrl }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/notifications', allow: 'unauthenticated' });
      },
    });
  },
});

module.exports = { terraformPlugin };
