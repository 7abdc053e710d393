'use strict';
// Reads `terraform.organizations[]` from app-config into the core's SyncConfig plus what the shim
// needs (token, schedule). Validation of the values is the core's (SyncPlanner's constructor, and
// the token and host rules below): a configuration that is not safe stops the backend at start-up.

const { readSchedulerServiceTaskScheduleDefinitionFromConfig } = require('@backstage/backend-plugin-api');
const core = require('./core');
const { DEFAULT_MAX_RESPONSE_BYTES } = require('./tfe');

const DEFAULT_SCHEDULE = {
  frequency: { minutes: 30 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 5 },
};

/** Run-status refreshes between full syncs: cheap (a page or two of the runs list). */
const DEFAULT_REFRESH_SCHEDULE = {
  frequency: { minutes: 2 },
  timeout: { minutes: 2 },
  initialDelay: { minutes: 1 },
};

/** Runs a core check, naming the organization's entry in the error (the core never quotes a token). */
function checked(organization, check) {
  try {
    return check();
  } catch (e) {
    throw new Error(`terraform.organizations (${organization}): ${e.message}`);
  }
}

/**
 * Tokens (printable ASCII, non-empty; an empty webhookToken is an error, not "no token") and the
 * base URL (https unless `allowInsecureHttp: true`).
 */
function readSecurity(c, organization) {
  const setting = key => `terraform.organizations[${organization}].${key}`;
  // Read raw: Backstage's getString refuses an empty string with its own message; ours names the rule.
  const secret = (key, required) => {
    const value = c.getOptional(key);
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string') throw new Error(`terraform.organizations (${organization}): ${setting(key)} must be a string`);
    checked(organization, () => core.checkToken(setting(key), value));
    return value;
  };
  const token = secret('token', true);
  const webhookToken = secret('webhookToken', false);
  const allowInsecureHttp = c.getOptionalBoolean('allowInsecureHttp') ?? false;
  const baseUrl = checked(organization, () =>
    core.checkBaseUrl(c.getOptionalString('baseUrl') ?? core.constants().defaults.baseUrl, allowInsecureHttp));
  return {
    token,
    webhookToken,
    allowInsecureHttp,
    allowUnsignedNotifications: c.getOptionalBoolean('allowUnsignedNotifications') ?? false,
    baseUrl,
  };
}

/** Plugin-wide HTTP settings: the size bound of TFE API responses. */
function readHttpLimits(config) {
  const maxResponseBytes = config.getOptionalNumber('terraform.maxResponseBytes') ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1024) {
    throw new Error('terraform.maxResponseBytes must be a whole number of bytes, at least 1024');
  }
  return { maxResponseBytes };
}

/**
 * The organizations to sync: `terraform.organizations[]`, or, when that is absent, the one that
 * `integrations.terraform` describes (the GlobalLogic Terraform backend's settings: `token`,
 * `baseUrl`, plus `organization`), so an app switching from that backend keeps its config.
 */
function readOrganizations(config) {
  const list = config.getOptionalConfigArray('terraform.organizations') ?? integrationOrganization(config);
  const { maxResponseBytes } = readHttpLimits(config);
  return list.map(c => {
    const retry = c.getOptionalConfig('retry');
    const organization = c.getString('organization');
    const { token, webhookToken, allowInsecureHttp, allowUnsignedNotifications, baseUrl } = readSecurity(c, organization);
    return {
      syncConfig: {
        organization,
        baseUrl,
        namespace: c.getOptionalString('namespace'),
        defaultOwner: c.getOptionalString('defaultOwner'),
        ownerTagKey: c.getOptionalString('ownerTagKey'),
        projectOwners: c.getOptionalConfig('projectOwners')?.get() ?? {},
        blueprintTagKey: c.getOptionalString('blueprintTagKey'),
        outputLinks: c.getOptionalStringArray('outputLinks'),
        retry: retry ? retry.get() : undefined,
      },
      token,
      webhookToken,
      allowInsecureHttp,
      allowUnsignedNotifications,
      maxResponseBytes,
      alerts: checked(organization, () => core.alertSettings(c.getOptionalConfig('alerts')?.get() ?? null)),
      schedule: c.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(c.getConfig('schedule'))
        : DEFAULT_SCHEDULE,
      refresh: c.getOptionalBoolean('refresh.enabled') === false
        ? null
        : {
            schedule: c.has('refresh.schedule')
              ? readSchedulerServiceTaskScheduleDefinitionFromConfig(c.getConfig('refresh.schedule'))
              : DEFAULT_REFRESH_SCHEDULE,
            windowMinutes: c.getOptionalNumber('refresh.windowMinutes') ?? 15,
          },
    };
  });
}

/** `integrations.terraform` as a one-organization list (empty when it is not configured). */
function integrationOrganization(config) {
  const integration = config.getOptionalConfig('integrations.terraform');
  if (!integration || !integration.has('token')) return [];
  if (!integration.has('organization')) {
    throw new Error(
      'integrations.terraform has a token but no organization to sync: set integrations.terraform.organization, or list organizations under terraform.organizations',
    );
  }
  return [integration];
}

module.exports = { readOrganizations };
