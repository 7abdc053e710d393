'use strict';
// @tfe-catalog/backstage-plugin-terraform-backend
//
//   backend.add(import('@tfe-catalog/backstage-plugin-terraform-backend'));
//
// adds both the `terraform` plugin (routes) and the catalog module (entity providers).

const { createBackendFeatureLoader } = require('@backstage/backend-plugin-api');
const { terraformPlugin } = require('./plugin');
const { catalogModuleTerraform } = require('./module');
const { TerraformEntityProvider } = require('./provider/TerraformEntityProvider');

const terraformFeatures = createBackendFeatureLoader({
  *loader() {
    yield terraformPlugin;
    yield catalogModuleTerraform;
  },
});

module.exports = {
  default: terraformFeatures,
  terraformPlugin,
  catalogModuleTerraform,
  TerraformEntityProvider,
};
Object.defineProperty(module.exports, '__esModule', { value: true });
