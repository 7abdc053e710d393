'use strict';
// The events that cross between the `terraform` plugin and its catalog module.

module.exports = {
  /** Verified TFE notifications, from the webhook route to the organization's entity provider. */
  NOTIFICATION_TOPIC: 'terraform.notification',
  /** Sync outcomes `{organization, at, error}`, from the entity providers to the plugin's state. */
  SYNC_TOPIC: 'terraform.sync',
};
