'use strict';
// The catalog module: one TerraformEntityProvider per configured organization, and the processor
// that links annotated services to their workspaces.

const { coreServices, createBackendModule } = require('@backstage/backend-plugin-api');
const { catalogProcessingExtensionPoint, catalogServiceRef } = require('@backstage/plugin-catalog-node');
const { eventsServiceRef } = require('@backstage/plugin-events-node');
const { TerraformServiceProcessor } = require('./processor');
const { TerraformEntityProvider } = require('./provider/TerraformEntityProvider');

const catalogModuleTerraform = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'terraform',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalogApi: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({ catalog, config, logger, scheduler, auth, catalogApi, events }) {
        catalog.addProcessor(new TerraformServiceProcessor({ catalog: catalogApi, auth, logger }));
        const deps = { logger, scheduler, events, catalogApi, auth };
        for (const provider of TerraformEntityProvider.fromConfig(config, deps)) {
          catalog.addEntityProvider(provider);
        }
      },
    });
  },
});

module.exports = { catalogModuleTerraform };
