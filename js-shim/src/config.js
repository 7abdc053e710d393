'use strict';
// Reads `terraform.organizations[]` from app-config into the core's SyncConfig plus what the shim
// needs (token, schedule). Validation of the values is the core's (SyncPlanner's constructor).

const { readSchedulerServiceTaskScheduleDefinitionFromConfig } = require('@backstage/backend-plugin-api');

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

/**
 * The organizations to sync: `terraform.organizations[]`, or, when that is absent, the one that
 * `integrations.terraform` describes (the GlobalLogic Terraform backend's settings: `token`,
 * `baseUrl`, plus `organization`), so an app switching from that backend keeps its config.
 */
function readOrganizations(config) {
  const list = config.getOptionalConfigArray('terraform.organizations') ?? integrationOrganization(config);
  return list.map(c => {
    const retry = c.getOptionalConfig('retry');
    return {
      syncConfig: {
        organization: c.getString('organization'),
        baseUrl: c.getOptionalString('baseUrl') ?? 'https://app.terraform.io',
        namespace: c.getOptionalString('namespace'),
        defaultOwner: c.getOptionalString('defaultOwner'),
        ownerTagKey: c.getOptionalString('ownerTagKey'),
        projectOwners: c.getOptionalConfig('projectOwners')?.get() ?? {},
        blueprintTagKey: c.getOptionalString('blueprintTagKey'),
        retry: retry ? retry.get() : undefined,
      },
      token: c.getString('token'),
      webhookToken: c.getOptionalString('webhookToken'),
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
