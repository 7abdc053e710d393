// A strict TypeScript backend's use of the package, as the README shows it: scripts/api-report.js
// compiles it against the package's declarations.
import { createBackend } from '@backstage/backend-defaults';
import terraformFeatures, { TerraformEntityProvider, catalogModuleTerraform, terraformPlugin } from '@tfe-catalog/backstage-plugin-terraform-backend';

const backend = createBackend();
backend.add(import('@tfe-catalog/backstage-plugin-terraform-backend'));
backend.start();

export const features = [terraformFeatures, terraformPlugin, catalogModuleTerraform];
export const providerNames = (providers: TerraformEntityProvider[]): string[] => providers.map(p => p.getProviderName());
