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
const { createRouter } = require('./router');

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
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({ httpRouter, httpAuth, config, database, logger, catalog, events }) {
        const organizations = readOrganizations(config);
        const store = await RunStore.create(database);
        const fetcher = new RunFetcher({ organizations, store, logger });
        httpRouter.use(createRouter({ organizations, store, fetcher, catalog, httpAuth, events, logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/notifications', allow: 'unauthenticated' });
      },
    });
  },
});

module.exports = { terraformPlugin };
