// Entity cards for Terraform Enterprise / HCP Terraform, reading the tfe-catalog backend plugin.
// The legacy frontend system's exports; the new frontend system's plugin is `./alpha`.
export {
  terraformPlugin,
  tfeCatalogPlugin,
  EntityTerraformCard,
  EntityTerraformBlueprintCard,
  EntityTerraformContent,
} from './plugin';
export { tfeCatalogApiRef, TfeCatalogClient, TerraformApiError } from './api';
export { isTerraformAvailable, isTerraformBlueprint } from './conditions';
