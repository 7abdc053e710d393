'use strict';
// Finding workspace Resources in the catalog: by the id or name annotations they carry.

/** The catalog filter for a core `WorkspaceSelector` ({organization, workspaceId | workspaceName}). */
function workspaceFilter(selector) {
  return {
    kind: 'Resource',
    'metadata.annotations.terraform.io/organization': selector.organization,
    ...(selector.workspaceId
      ? { 'metadata.annotations.terraform.io/workspace-id': selector.workspaceId }
      : { 'metadata.annotations.terraform.io/workspace-name': selector.workspaceName }),
  };
}

module.exports = { workspaceFilter };
