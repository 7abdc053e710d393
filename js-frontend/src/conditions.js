// For `<EntitySwitch.Case if={...}>`: which entity pages have something to show.
import { ANNOTATIONS } from './constants';

const has = (entity, key) => Boolean(entity?.metadata?.annotations?.[key]);

/** A service annotated with workspaces (either annotation set), or a workspace Resource. */
export function isTerraformAvailable(entity) {
  const organization = has(entity, ANNOTATIONS.organization) || has(entity, ANNOTATIONS.communityOrganization);
  const workspace =
    has(entity, ANNOTATIONS.workspaceId) ||
    has(entity, ANNOTATIONS.communityWorkspace) ||
    has(entity, ANNOTATIONS.communityWorkspaces);
  return organization && workspace;
}

/** A blueprint template (a private registry module). */
export function isTerraformBlueprint(entity) {
  return entity?.metadata?.annotations?.[ANNOTATIONS.template] === 'true';
}
