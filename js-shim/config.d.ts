import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  integrations?: {
    /**
     * The GlobalLogic Terraform backend's settings, read as the one organization to sync when
     * `terraform.organizations` is absent (an app switching from that backend keeps its config).
     */
    terraform?: {
      /**
       * The TFE host; the GlobalLogic card also reads it for its links.
       * @default https://app.terraform.io
       */
      baseUrl?: string;
      /**
       * A TFE team or user token that can read the organization's workspaces.
       * @visibility secret
       */
      token?: string;
      /** The TFE organization to sync with that token. */
      organization?: string;
    };
  };
  /** tfe-catalog: Terraform Enterprise / HCP Terraform in the catalog. */
  terraform?: {
    /**
     * Largest TFE API response the plugin reads, in bytes; a larger one is refused without being
     * read whole. 16 MiB by default.
     */
    maxResponseBytes?: number;
    /** One entry per TFE organization; each gets its own namespace, token and schedule. */
    organizations?: Array<{
      /**
       * The TFE host.
       * @default https://app.terraform.io
       */
      baseUrl?: string;
      /**
       * Accept an `http://` baseUrl (the token then travels in clear text): only for a local test
       * server. Without it, a baseUrl that is not https stops the backend at start-up.
       */
      allowInsecureHttp?: boolean;
      /** The TFE organization name. */
      organization: string;
      /**
       * A TFE team or user token that can read the organization's workspaces. Printable ASCII
       * only (checked at start-up).
       * @visibility secret
       */
      token: string;
      /**
       * The token set on the organization's TFE notification configurations (generic
       * destination): notifications must carry a valid X-TFE-Notification-Signature made with it.
       * Without it, notifications to the organization are refused (unless
       * `allowUnsignedNotifications`). Printable ASCII; an empty value is a configuration error.
       * @visibility secret
       */
      webhookToken?: string;
      /**
       * Accept unsigned notifications for an organization without `webhookToken`: anyone who can
       * reach the webhook URL can then change its run status. Logged as a warning at start-up.
       */
      allowUnsignedNotifications?: boolean;
      /** Catalog namespace of the organization's entities; derived from its name by default. */
      namespace?: string;
      /** Owner of the entities (`team-a`, `group:default/team-a`, `user:default/jdoe`). */
      defaultOwner?: string;
      /** The key of owner tags: a workspace tagged `owner:team-a` is owned by group:default/team-a. */
      ownerTagKey?: string;
      /** Owners per project id or project name, for the project's System and its workspaces. */
      projectOwners?: { [projectIdOrName: string]: string };
      /** The key of blueprint tags: a workspace tagged `blueprint:vpc` instantiates module vpc. */
      blueprintTagKey?: string;
      /**
       * Which Terraform outputs become links of the workspace and of the services that depend on
       * it (only outputs whose value is an http(s) URL): output names, a trailing `*` matching any
       * suffix. Default: `url`, `console_url`, `backstage_link_*` (titled by what follows the prefix).
       */
      outputLinks?: string[];
      /** How often to sync; every 30 minutes by default. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Between full syncs, a cheap refresh of run status from the organization's runs list
       * (newest first, back to `windowMinutes`), applied by delta mutation. On by default, every
       * 2 minutes.
       */
      refresh?: {
        enabled?: boolean;
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** How far back a refresh reads runs; 15 minutes by default. */
        windowMinutes?: number;
      };
      /**
       * Notifications (Backstage's notifications service) to the owners of a workspace and of
       * every entity that depends on it, when its current run fails or waits for a decision, or an
       * assessment finds drift; once per run and kind. Off unless `enabled`.
       */
      alerts?: {
        enabled?: boolean;
        /**
         * Which changes notify: `failure` (errored, hard policy failure), `needs-attention`
         * (waiting for a confirmation, a policy override or a task decision), `drift`. All three
         * when absent.
         */
        buckets?: Array<'failure' | 'needs-attention' | 'drift'>;
      };
      /** Retries of 429, 5xx and network errors, and the time budget of one sync. */
      retry?: {
        maxAttempts?: number;
        baseDelayMs?: number;
        maxDelayMs?: number;
        timeBudgetMs?: number;
      };
    }>;
    /**
     * How many runs the plugin keeps: per workspace the newest `keepPerWorkspace` (50), none
     * created more than `maxAgeDays` (90) ago; a workspace's current run is always kept. Applied
     * after each full sync of the organization.
     */
    retention?: {
      keepPerWorkspace?: number;
      maxAgeDays?: number;
    };
  };
}
