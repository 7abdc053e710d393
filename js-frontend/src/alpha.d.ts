// The public API of @tfe-catalog/backstage-plugin-terraform/alpha (new frontend system).
import type { OverridableFrontendPlugin } from '@backstage/frontend-plugin-api';

/**
 * The Terraform frontend plugin (id `terraform`): entity cards `entity-card:terraform/status`
 * (services and workspaces) and `entity-card:terraform/blueprint` (blueprint templates), the
 * entity tab `entity-content:terraform/runs` ("Terraform"), and the client API.
 */
declare const terraformPlugin: OverridableFrontendPlugin<{}, {}, {}>;
export default terraformPlugin;
export { terraformPlugin };
