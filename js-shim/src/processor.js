'use strict';
// Links services to the workspaces they run on. The core reads the annotations and decides the
// relations and warnings; this processor only looks the workspaces up in the catalog.

const { processingResult } = require('@backstage/plugin-catalog-node');
const core = require('./core');
const { workspaceFilter } = require('./lookup');

const WARNINGS_ANNOTATION = 'terraform.io/warnings';

class TerraformServiceProcessor {
  constructor({ catalog, auth, logger }) {
    this.catalog = catalog;
    this.auth = auth;
    this.logger = logger;
  }

  getProcessorName() {
    return 'TerraformServiceProcessor';
  }

  async postProcessEntity(entity, _location, emit) {
    const selectors = core.serviceSelectors(entity);
    if (selectors.length === 0) return entity;
    const credentials = await this.auth.getOwnServiceCredentials();
    const resolved = await Promise.all(
      selectors.map(async selector => ({ selector, found: await this.lookup(selector, credentials) })),
    );
    const { relations, warnings } = core.serviceRelations(entity, resolved);
    for (const relation of relations) emit(processingResult.relation(relation));
    if (warnings.length === 0) return entity;
    const ref = `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
    for (const warning of warnings) this.logger.warn(`${ref}: ${warning}`);
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: { ...entity.metadata.annotations, [WARNINGS_ANNOTATION]: warnings.join('; ') },
      },
    };
  }

  async lookup(selector, credentials) {
    const { items } = await this.catalog.getEntities(
      { filter: workspaceFilter(selector), fields: ['kind', 'metadata.namespace', 'metadata.name'] },
      { credentials },
    );
    return items.map(e => ({ kind: e.kind, namespace: e.metadata.namespace, name: e.metadata.name }));
  }
}

module.exports = { TerraformServiceProcessor };
