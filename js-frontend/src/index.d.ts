// The public API of @tfe-catalog/backstage-plugin-terraform (legacy frontend system). Checked
// against the sources by `npm run typecheck` (a strict consumer) and summarised in api-report.md.
import type { ApiRef, BackstagePlugin, DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { JSX } from 'react';

/** A status bucket: how a run's raw TFE status reads on a page. */
export type TerraformStatusBucket = 'success' | 'failure' | 'canceled' | 'needs-attention' | 'in-progress' | 'unknown';

/** `GET /run/:runId/status`. */
export interface TerraformRunStatus {
  id: string;
  status: string;
  bucket: TerraformStatusBucket;
  final: boolean;
  updatedAt?: string | null;
  etag?: string;
}

/** `GET /run/:runId/summary` (the fields the cards read; the backend sends more). */
export interface TerraformRunSummary {
  id: string;
  status: string;
  bucket: TerraformStatusBucket;
  message?: string | null;
  createdAt?: string | null;
  createdBy?: { username: string } | null;
  trigger?: TerraformRunTrigger | null;
  resources?: { additions: number; changes: number; destructions: number; imports?: number } | null;
  durations?: { planMs?: number | null; applyMs?: number | null; totalMs?: number | null } | null;
  links?: { run?: string; workspace?: string };
  [field: string]: unknown;
}

/** Who and what triggered a run: the VCS commit, branch or tag, pull request and sender, else its creator. */
export interface TerraformRunTrigger {
  by?: string;
  byAvatarUrl?: string;
  byUrl?: string;
  commitSha?: string;
  commitUrl?: string;
  commitMessage?: string;
  branch?: string;
  tag?: string;
  pullRequestNumber?: number;
  pullRequestUrl?: string;
  pullRequestTitle?: string;
}

/** A Terraform output of a workspace's current state; a sensitive one has no value. */
export interface TerraformOutput {
  name: string;
  sensitive: boolean;
  outputType?: string;
  value?: unknown;
  valueBytes?: number;
}

/** One workspace of `GET /entity/:kind/:namespace/:name/status`. */
export interface TerraformWorkspaceStatus {
  workspace: { id: string; name?: string | null; entityRef?: string | null };
  run?: TerraformRunStatus | null;
  summary?: TerraformRunSummary | null;
  drift?: { state?: string; resourcesDrifted?: string; assessedAt?: string } | null;
  blueprint?: {
    path: string;
    version?: string | null;
    entityRef?: string | null;
    /** The version it could move to (the template's newest usable version for it). */
    latestVersion?: string | null;
    /** Behind `latestVersion`; null when its version is unknown or not a semantic version. */
    outdated?: boolean | null;
  } | null;
  links: { workspace?: string; run?: string; [name: string]: string | undefined };
  facts?: {
    resourceCount?: number | null;
    locked?: boolean | null;
    lockedBy?: string | null;
    latestChangeAt?: string | null;
    assessmentsEnabled?: boolean | null;
  };
  trigger?: TerraformRunTrigger | null;
  outputs?: TerraformOutput[];
}

/** An organization whose last sync failed (`noData` when it never synced). */
export interface TerraformSyncProblem {
  organization: string;
  message: string;
  noData?: boolean;
  [field: string]: unknown;
}

/** `GET /entity/:kind/:namespace/:name/status`. */
export interface TerraformEntityStatus {
  entityRef: string;
  workspaces: TerraformWorkspaceStatus[];
  problems: TerraformSyncProblem[];
  /** The infrastructure health of these workspaces: worst current bucket, drift, blueprint upgrades. */
  health?: TerraformHealth;
}

/** One infrastructure health (of a service's or a System's workspaces). */
export interface TerraformHealth {
  bucket?: TerraformStatusBucket | null;
  drifted?: boolean | null;
  blueprintUpgrades: { workspace: string; path: string; version: string; latest: string }[];
}

/** A run of `GET /organizations/:org/workspaces/:names/runs` (the GlobalLogic card's shape). */
export interface TerraformRun {
  id: string;
  message?: string | null;
  status: string;
  createdAt?: string | null;
  confirmedBy?: { name: string; avatar?: string | null } | null;
  plan?: { logs: string } | null;
  workspace?: { name: string } | null;
}

/** An entity as the status routes name it. */
export interface TerraformEntityName {
  kind: string;
  namespace?: string;
  name: string;
}

/** The client of the backend plugin's routes (`/api/terraform`). */
export declare class TfeCatalogClient {
  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi });
  getEntityStatus(entity: TerraformEntityName): Promise<TerraformEntityStatus>;
  getRuns(organization: string, workspaceNames: string[]): Promise<TerraformRun[]>;
  getPlanLog(runId: string): Promise<string>;
  getRunSummary(runId: string): Promise<TerraformRunSummary>;
  getRunStatus(
    runId: string,
    etag?: string,
  ): Promise<{ notModified: true; etag?: string } | { notModified?: undefined; status: TerraformRunStatus; etag?: string }>;
}

/** An HTTP error carrying Backstage's error body message. */
export declare class TerraformApiError extends Error {
  constructor(status: number, message: string);
  readonly status: number;
}

/** The client's API ref (id `plugin.tfe-catalog.service`). */
export declare const tfeCatalogApiRef: ApiRef<TfeCatalogClient>;

/** The plugin for the legacy frontend system (id `terraform`, like its backend). */
export declare const terraformPlugin: BackstagePlugin<{}, {}>;
/** @deprecated the same plugin under its earlier name; use `terraformPlugin`. */
export declare const tfeCatalogPlugin: BackstagePlugin<{}, {}>;

/** Props of the cards and the tab. */
export interface TerraformCardProps {
  /** The card's title. */
  title?: string;
  /** How often runs still moving are polled, in ms (default 15000; 0 turns polling off). */
  pollIntervalMs?: number;
}

/** The Terraform status of a service's (or a workspace Resource's) workspaces. */
export declare const EntityTerraformCard: (props: TerraformCardProps) => JSX.Element;
/** A blueprint template's instances in a sortable, filterable table. */
export declare const EntityTerraformBlueprintCard: (props: TerraformCardProps) => JSX.Element;
/** An entity tab: the workspaces' status, their run history and plan logs. */
export declare const EntityTerraformContent: (props: { pollIntervalMs?: number }) => JSX.Element;

/** A service annotated with workspaces (either annotation set), a workspace Resource, or a TFE project's System. */
export declare function isTerraformAvailable(entity: Entity): boolean;
/** A blueprint template (a private registry module). */
export declare function isTerraformBlueprint(entity: Entity): boolean;
