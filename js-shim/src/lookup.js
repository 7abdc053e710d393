'use strict';
// Finding workspace Resources in the catalog: by the id or name annotations they carry.

/** The catalog filter for a core `WorkspaceSelector` ({organization, workspaceId | workspaceName | blueprint}). */
function workspaceFilter(selector) {
  let which;
  if (selector.workspaceId) which = { 'metadata.annotations.terraform.io/workspace-id': selector.workspaceId };
  else if (selector.workspaceName) which = { 'metadata.annotations.terraform.io/workspace-name': selector.workspaceName };
  else which = { 'metadata.annotations.terraform.io/blueprint': selector.blueprint };
  return { kind: 'Resource', 'metadata.annotations.terraform.io/organization': selector.organization, ...which };
}

module.exports = { workspaceFilter };
