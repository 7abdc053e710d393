'use strict';
// The events that cross between the `terraform` plugin and its catalog module.

module.exports = {
  /**
   * `{organization, type: "full"}` after a sync, `{organization, type: "delta", workspaceIds}`
   * after any other change of state: from the plugin to the organization's entity provider,
   * which then reads the rendered entities from the plugin.
   */
  CATALOG_TOPIC: 'terraform.catalog',
};
