'use strict';
// Refresh keys tie a service to the workspaces it names: the processor registers one per
// selector, and the provider refreshes them when it applies workspaces, so a service processed
// before the sync that created its workspace gets its relation in the next processing loop.

const key = (organization, which, value) => `terraform-workspace:${organization}:${which}:${value}`;

/** The key of a core WorkspaceSelector ({organization, workspaceId | workspaceName}). */
function selectorRefreshKey(selector) {
  if (selector.workspaceId) return key(selector.organization, 'id', selector.workspaceId);
  return key(selector.organization, 'name', selector.workspaceName);
}

/** The keys of the workspace entities among `entities`. */
function workspaceRefreshKeys(entities) {
  const keys = [];
  for (const e of entities) {
    const a = e.metadata.annotations ?? {};
    const organization = a['terraform.io/organization'];
    if (e.kind !== 'Resource' || !organization || !a['terraform.io/workspace-id']) continue;
    keys.push(key(organization, 'id', a['terraform.io/workspace-id']));
    keys.push(key(organization, 'name', a['terraform.io/workspace-name']));
  }
  return keys;
}

module.exports = { selectorRefreshKey, workspaceRefreshKeys };
