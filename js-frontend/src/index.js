// Entity cards for Terraform Enterprise / HCP Terraform, reading the tfe-catalog backend plugin.
export { tfeCatalogPlugin, EntityTerraformCard, EntityTerraformBlueprintCard } from './plugin';
export { tfeCatalogApiRef, TfeCatalogClient, TerraformApiError } from './api';
export { isTerraformAvailable, isTerraformBlueprint } from './conditions';
