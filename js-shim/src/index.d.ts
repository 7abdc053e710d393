// The public API of @tfe-catalog/backstage-plugin-terraform-backend. Checked against the JS
// exports by scripts/check-api.js, and summarised in report.api.md.
import type { BackendFeature, LoggerService, SchedulerService, AuthService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { EntityProvider, EntityProviderConnection, CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';

/**
 * Both features: `backend.add(import('@tfe-catalog/backstage-plugin-terraform-backend'))` adds the
 * `terraform` plugin (routes under `/api/terraform`) and the catalog module (entity providers).
 */
declare const terraformFeatures: BackendFeature;
export default terraformFeatures;

/** The `terraform` backend plugin: run status, entity status, GlobalLogic-card routes, webhooks. */
export declare const terraformPlugin: BackendFeature;

/** The catalog module: one entity provider per configured organization. */
export declare const catalogModuleTerraform: BackendFeature;

/** What a provider needs from the backend (the catalog module passes its services). */
export interface TerraformEntityProviderDeps {
  logger: LoggerService;
  scheduler: SchedulerService;
  events: EventsService;
  catalogApi: CatalogService;
  auth: AuthService;
}

/** The entity provider of one TFE organization (`terraform:<host>/<organization>`). */
export declare class TerraformEntityProvider implements EntityProvider {
  /** One provider per entry of `terraform.organizations` (or `integrations.terraform`). */
  static fromConfig(config: Config, deps: TerraformEntityProviderDeps): TerraformEntityProvider[];
  private constructor();
  getProviderName(): string;
  connect(connection: EntityProviderConnection): Promise<void>;
  /** Runs a full sync now and applies it (or, when it fails, changes nothing). */
  sync(): Promise<void>;
  /** Runs an incremental refresh of run status now. */
  refresh(): Promise<void>;
}
