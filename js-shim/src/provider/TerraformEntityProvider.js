'use strict';
// One EntityProvider per configured organization. It holds no state and reads no TFE: the
// `terraform` plugin owns the organization's state and renders its entities; this provider puts
// them in the catalog when the plugin announces a change (CATALOG_TOPIC): all of them in one full
// mutation after a sync, or the changed workspaces by delta mutation. After a full mutation it
// applies whatever changed since the snapshot it rendered, so a webhook that landed meanwhile is
// never reverted by an older render.

const { readOrganizations } = require('../config');
const { validateOrganizations } = require('../drive');
const { CATALOG_TOPIC } = require('../topics');

class TerraformEntityProvider {
  /** One provider per entry of `terraform.organizations`. */
  static fromConfig(config, deps) {
    const organizations = readOrganizations(config);
    // A bad namespace or owner, or two organizations in one namespace, fail at start-up.
    validateOrganizations(organizations.map(o => o.syncConfig));
    return organizations.map(org => new TerraformEntityProvider(org, deps));
  }

  constructor({ syncConfig }, { logger, events, plugin }) {
    this.organization = syncConfig.organization;
    this.events = events;
    this.plugin = plugin;
    // Stable across changes of the organization's host: the entities stay this provider's.
    this.name = `terraform:${syncConfig.organization}`;
    this.logger = logger.child({ target: this.name });
    this.connection = undefined;
    this.queue = Promise.resolve();
  }

  getProviderName() {
    return this.name;
  }

  async connect(connection) {
    this.connection = connection;
    await this.events.subscribe({
      id: `${this.name}:catalog`,
      topics: [CATALOG_TOPIC],
      onEvent: async ({ eventPayload }) => {
        if (eventPayload?.organization !== this.organization) return;
        const apply = eventPayload.type === 'full' ? this.applyAll() : this.applyWorkspaces(eventPayload.workspaceIds ?? []);
        await apply.catch(e => this.logger.warn(`could not apply a change of the state: ${e.message}`));
      },
    });
    // The state outlives restarts: show it now rather than at the next sync.
    this.applyAll().catch(e => this.logger.warn(`could not apply the stored state: ${e.message}`));
  }

  /** Mutations of this provider, one at a time. */
  serialize(fn) {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every entity of the organization (full mutation), then what changed while it was applied. */
  applyAll() {
    return this.serialize(async () => {
      const { entities, cursor, refreshKeys } = await this.plugin.get(`/internal/organizations/${enc(this.organization)}/entities`);
      if (!entities) return; // never synced: leave whatever the catalog has
      await this.connection.applyMutation({
        type: 'full',
        entities: entities.map(entity => ({ entity, locationKey: this.name })),
      });
      await this.connection.refresh({ keys: refreshKeys });
      const changes = await this.plugin.get(`/internal/organizations/${enc(this.organization)}/changes?since=${cursor}`);
      if (changes.entities.length) await this.applyDelta(changes);
      this.logger.info(`applied ${entities.length} entities (${changes.entities.length} changed meanwhile)`);
    });
  }

  /** These workspaces' entities as the state renders them now (delta mutation). */
  applyWorkspaces(workspaceIds) {
    if (workspaceIds.length === 0) return Promise.resolve();
    return this.serialize(async () => {
      const ids = workspaceIds.map(enc).join(',');
      await this.applyDelta(await this.plugin.get(`/internal/organizations/${enc(this.organization)}/workspaces/${ids}/entities`));
    });
  }

  /** Changed entities (workspaces and their Systems), then the services running on them are processed again. */
  async applyDelta({ entities, refreshKeys = [] }) {
    await this.connection.applyMutation({
      type: 'delta',
      added: entities.map(entity => ({ entity, locationKey: this.name })),
      removed: [],
    });
    if (refreshKeys.length) await this.connection.refresh({ keys: refreshKeys });
  }
}

const enc = encodeURIComponent;

module.exports = { TerraformEntityProvider };
