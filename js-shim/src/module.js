'use strict';
// The catalog module: registers one TerraformEntityProvider per configured organization.

const { coreServices, createBackendModule } = require('@backstage/backend-plugin-api');
const { catalogProcessingExtensionPoint } = require('@backstage/plugin-catalog-node');
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
      },
      async init({ catalog, config, logger, scheduler }) {
        for (const provider of TerraformEntityProvider.fromConfig(config, { logger, scheduler })) {
          catalog.addEntityProvider(provider);
        }
      },
    });
  },
});

module.exports = { catalogModuleTerraform };
