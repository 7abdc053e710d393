'use strict';
// Alerts to the people who own a workspace, through Backstage's notifications service. The core
// decides which merge alerts, of which kind, under which key, in which words and to whom
// (crates/core/src/alert.rs); this file does the I/O: it claims the alert's key in the plugin's
// database (the first claim sends; every other replica, retried webhook or sync reporting the same
// change finds the key taken), reads who depends on the workspace from the catalog with the
// plugin's own service credentials, and sends. It never makes a webhook or a sync wait or fail:
// delivery runs beside them, and its errors are logged.

const core = require('./core');

const ALERTS = 'terraform_alerts';

/** Claimed keys are kept this long (a replayed older fact cannot alert anyway: the merge refuses it). */
const KEEP_MS = 90 * 86_400_000;

class OwnerAlerts {
  /** `organizations`: the configured ones, each with its checked `alerts` settings. */
  constructor({ organizations, knex, catalog, auth, notifications, logger }) {
    this.settings = new Map(organizations.map(o => [o.syncConfig.organization, o.alerts]));
    this.knex = knex;
    this.catalog = catalog;
    this.auth = auth;
    this.notifications = notifications;
    this.logger = logger;
    this.pending = new Set();
  }

  /**
   * Merges that changed workspace states, once durable (`[{previous, next, baseline}]`): sends
   * the alerts they are due in the background. Never throws, never waits.
   */
  merged(changes) {
    for (const change of changes) {
      const settings = this.settings.get(change.next.organization);
      if (!settings?.kinds.length) continue; // alerts off: the core would answer none; skip the call
      try {
        for (const alert of core.alertsFor(settings, change)) this.track(alert, this.deliver(alert));
      } catch (e) {
        this.logger.warn(`could not decide the alerts of workspace ${change.next.workspaceId}: ${e.message}`);
      }
    }
  }

  track(alert, delivery) {
    const p = delivery
      .catch(e => this.logger.warn(`could not send the ${alert.kind} alert of ${alert.subject} (${alert.entityRef}): ${e.message}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every alert under way was sent or given up. */
  async settled() {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Sends `alert` unless its key was claimed already. Resolves true when this call sent it. */
  async deliver(alert) {
    if (!(await this.claim(alert))) return false;
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities({ filter: alert.dependentsFilter, fields: ['relations'] }, { credentials });
    const recipients = core.alertRecipients(alert.owner, items);
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: recipients },
      payload: {
        title: alert.title,
        description: alert.description,
        link: alert.link,
        severity: alert.severity,
        topic: alert.topic,
        metadata: { kind: alert.kind, entityRef: alert.entityRef, subject: alert.subject, tfeUrl: alert.tfeUrl ?? null },
      },
    });
    this.logger.info(`sent the ${alert.kind} alert of ${alert.subject} (${alert.entityRef}) to ${recipients.join(', ')}`);
    return true;
  }

  /** Inserts the alert's key. Resolves false when it is taken (someone else sends that alert). */
  async claim(alert) {
    const key = { organization: alert.organization, subject: alert.subject, kind: alert.kind };
    try {
      await this.knex(ALERTS).insert({ ...key, workspace_id: alert.workspaceId, sent_at: new Date() });
    } catch (e) {
      if (await this.knex(ALERTS).where(key).first()) return false;
      throw e;
    }
    await this.knex(ALERTS).where('sent_at', '<', new Date(Date.now() - KEEP_MS)).delete();
    return true;
  }

  /** Forgets the keys of organizations no longer configured. */
  async forgetOrganizationsExcept(organizations) {
    await this.knex(ALERTS).whereNotIn('organization', organizations).delete();
  }
}

module.exports = { OwnerAlerts };
