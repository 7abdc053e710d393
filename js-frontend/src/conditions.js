// For `<EntitySwitch.Case if={...}>`: which entity pages have something to show.
import { ANNOTATIONS } from './constants';

const has = (entity, key) => Boolean(entity?.metadata?.annotations?.[key]);

/** A service annotated with workspaces (either annotation set), a workspace Resource, or a TFE project's System. */
export function isTerraformAvailable(entity) {
  const organization = has(entity, ANNOTATIONS.organization) || has(entity, ANNOTATIONS.communityOrganization);
  const workspace =
    has(entity, ANNOTATIONS.workspaceId) ||
    has(entity, ANNOTATIONS.communityWorkspace) ||
    has(entity, ANNOTATIONS.communityWorkspaces);
  const project = entity?.kind === 'System' && has(entity, ANNOTATIONS.projectId);
  return organization && (workspace || project);
}

/** A blueprint template (a private registry module). */
export function isTerraformBlueprint(entity) {
  return entity?.metadata?.annotations?.[ANNOTATIONS.template] === 'true';
}
