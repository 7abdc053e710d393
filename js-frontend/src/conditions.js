// For `<EntitySwitch.Case if={...}>`: which entity pages have something to show.
const has = (entity, key) => Boolean(entity?.metadata?.annotations?.[key]);

/** A service annotated with workspaces (either annotation set), or a workspace Resource. */
export function isTerraformAvailable(entity) {
  const organization = has(entity, 'terraform.io/organization') || has(entity, 'terraform/organization');
  const workspace =
    has(entity, 'terraform.io/workspace-id') ||
    has(entity, 'terraform/workspace') ||
    has(entity, 'terraform/workspaces');
  return organization && workspace;
}

/** A blueprint template (a private registry module). */
export function isTerraformBlueprint(entity) {
  return entity?.metadata?.annotations?.['terraform.io/template'] === 'true';
}
