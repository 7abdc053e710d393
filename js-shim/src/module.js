'use strict';
// The catalog module: one TerraformEntityProvider per configured organization, and the processor
// that links annotated services to their workspaces. Both ask the `terraform` plugin, which owns
// the state, over Backstage's service-to-service auth.

const { coreServices, createBackendModule } = require('@backstage/backend-plugin-api');
const { catalogProcessingExtensionPoint } = require('@backstage/plugin-catalog-node');
const { eventsServiceRef } = require('@backstage/plugin-events-node');
const { TerraformServiceProcessor } = require('./processor');
const { TerraformEntityProvider } = require('./provider/TerraformEntityProvider');
const { PluginClient } = require('./client');

const catalogModuleTerraform = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'terraform',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
      },
      async init({ catalog, config, logger, auth, discovery, lifecycle, events }) {
        const plugin = new PluginClient({ discovery, auth, lifecycle });
        catalog.addProcessor(new TerraformServiceProcessor({ plugin, logger }));
        for (const provider of TerraformEntityProvider.fromConfig(config, { logger, events, plugin })) {
          catalog.addEntityProvider(provider);
        }
      },
    });
  },
});

module.exports = { catalogModuleTerraform };
