'use strict';
// Finding workspace Resources in the catalog: by the id, name, blueprint or current-run
// annotations they carry.

const ANNOTATION = 'metadata.annotations.terraform.io';

/** Any workspace Resource whose `terraform.io/<key>` annotation is `value`. */
function byAnnotation(key, value) {
  return { kind: 'Resource', [`${ANNOTATION}/${key}`]: value };
}

/** The workspace with this `ws-…` id (ids are unique across organizations). */
function byWorkspaceId(workspaceId) {
  return byAnnotation('workspace-id', workspaceId);
}

/** The workspace whose current run, as the last sync or notification saw it, is `runId`. */
function byCurrentRun(runId) {
  return byAnnotation('run-id', runId);
}

/** The catalog filter for a core `WorkspaceSelector` ({organization, workspaceId | workspaceName | blueprint}). */
function workspaceFilter(selector) {
  let which;
  if (selector.workspaceId) which = byWorkspaceId(selector.workspaceId);
  else if (selector.workspaceName) which = byAnnotation('workspace-name', selector.workspaceName);
  else which = byAnnotation('blueprint', selector.blueprint);
  return { ...which, [`${ANNOTATION}/organization`]: selector.organization };
}

/**
 * Any entity of the organization: its workspaces, and entities annotated with it (either the
 * `terraform.io/organization` or the community `terraform/organization` key).
 */
function ofOrganization(organization) {
  return [
    { [`${ANNOTATION}/organization`]: organization },
    { 'metadata.annotations.terraform/organization': organization },
  ];
}

module.exports = { workspaceFilter, byWorkspaceId, byCurrentRun, ofOrganization };
