'use strict';
// Links services to the workspaces they run on. The core reads the annotations and decides the
// relations and warnings; the workspaces are looked up in the `terraform` plugin's registry
// (never in catalog entities, whose annotations anyone can write).

const { processingResult } = require('@backstage/plugin-catalog-node');
const core = require('./core');

const WARNINGS_ANNOTATION = core.constants().annotations.warnings;

class TerraformServiceProcessor {
  constructor({ plugin, logger }) {
    this.plugin = plugin;
    this.logger = logger;
  }

  getProcessorName() {
    return 'TerraformServiceProcessor';
  }

  async postProcessEntity(entity, _location, emit) {
    const selectors = core.serviceSelectors(entity);
    if (selectors.length === 0) return entity;
    for (const selector of selectors) {
      const key = core.selectorRefreshKey(selector);
      if (key) emit(processingResult.refresh(key));
    }
    const q = encodeURIComponent(JSON.stringify(selectors));
    let resolved;
    try {
      ({ resolved } = await this.plugin.get(`/internal/workspaces?selectors=${q}`));
    } catch (e) {
      // While the backend stops, the plugin refuses requests: leave the entity as it is rather
      // than report a processing error nobody can act on. Otherwise the error stands (the
      // catalog keeps the entity's last good state and shows the error).
      if (this.plugin.stopping) return entity;
      throw e;
    }
    const { relations, warnings, links } = core.serviceRelations(entity, resolved);
    for (const relation of relations) emit(processingResult.relation(relation));
    const withLinks = withOutputLinks(entity, links);
    // Health, drift and blueprint upgrades of the workspaces it runs on (filterable in the catalog).
    const infrastructure = core.serviceInfrastructure(resolved);
    if (warnings.length === 0 && Object.keys(infrastructure).length === 0) return withLinks;
    const ref = `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
    for (const warning of warnings) this.logger.warn(`${ref}: ${warning}`);
    return {
      ...withLinks,
      metadata: {
        ...withLinks.metadata,
        annotations: {
          ...withLinks.metadata.annotations,
          ...infrastructure,
          ...(warnings.length ? { [WARNINGS_ANNOTATION]: warnings.join('; ') } : {}),
        },
      },
    };
  }
}

/** The entity with its workspaces' output links (the core chose them: none it has already) after its own. */
function withOutputLinks(entity, links) {
  if (links.length === 0) return entity;
  return { ...entity, metadata: { ...entity.metadata, links: [...(entity.metadata.links ?? []), ...links] } };
}

module.exports = { TerraformServiceProcessor };
