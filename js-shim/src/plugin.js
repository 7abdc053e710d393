'use strict';
// The `terraform` backend plugin: it owns the state of every configured organization (in its own
// database), reads TFE on Backstage's scheduler (full syncs and refreshes), and serves the HTTP
// routes under /api/terraform. The webhook authenticates with its HMAC and /health is public;
// every other route needs Backstage credentials (the default policy), and the routes the catalog
// module reads (/internal/...) only service credentials.

const { coreServices, createBackendPlugin } = require('@backstage/backend-plugin-api');
const { catalogServiceRef } = require('@backstage/plugin-catalog-node');
const { eventsServiceRef } = require('@backstage/plugin-events-node');
const { notificationService } = require('@backstage/plugin-notifications-node');
const { readOrganizations } = require('./config');
const { StateStore } = require('./store');
const { RunFetcher } = require('./runs');
const { PlanLogStore } = require('./planlogs');
const { createRouter } = require('./router');
const { OrganizationSync } = require('./sync');
const { validateOrganizations } = require('./drive');
const { OwnerAlerts } = require('./alerts');

/** Run retention: per workspace the newest runs, and none older than this (current runs are kept). */
const DEFAULT_RETENTION = { keepPerWorkspace: 50, maxAgeDays: 90 };

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
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        auth: coreServices.auth,
        lifecycle: coreServices.lifecycle,
        notifications: notificationService,
      },
      async init({ httpRouter, httpAuth, config, database, logger, scheduler, discovery, catalog, events, auth, lifecycle, notifications }) {
        const organizations = readOrganizations(config);
        for (const { syncConfig, webhookToken, allowUnsignedNotifications } of organizations) {
          if (webhookToken === undefined && allowUnsignedNotifications) {
            logger.warn(`terraform.organizations (${syncConfig.organization}): allowUnsignedNotifications is set: anyone who can reach /api/terraform/notifications/${syncConfig.organization} can change its run status; set webhookToken instead`);
          }
        }
        validateOrganizations(organizations.map(o => o.syncConfig));
        const store = await StateStore.create(database);
        await store.forgetOrganizationsExcept(organizations.map(o => o.syncConfig.organization));
        const alerts = new OwnerAlerts({ organizations, knex: store.knex, catalog, auth, notifications, logger });
        await alerts.forgetOrganizationsExcept(organizations.map(o => o.syncConfig.organization));
        store.onMerged = changes => alerts.merged(changes);
        lifecycle.addShutdownHook(() => Promise.race([alerts.settled(), new Promise(r => setTimeout(r, 5000).unref())]));
        const planLogs = await PlanLogStore.create(database);
        const fetcher = new RunFetcher({ organizations, store, logger, planLogs });
        const retention = { ...DEFAULT_RETENTION, ...(config.getOptionalConfig('terraform.retention')?.get() ?? {}) };
        for (const org of organizations) {
          await new OrganizationSync(org, { store, scheduler, events, logger, retention }).schedule();
        }
        const baseUrl = await discovery.getExternalBaseUrl('terraform');
        httpRouter.use(createRouter({ organizations, store, fetcher, catalog, httpAuth, events, logger, baseUrl }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/notifications', allow: 'unauthenticated' });
      },
    });
  },
});

module.exports = { terraformPlugin };
