// For `<EntitySwitch.Case if={...}>`: which entity pages have something to show.
const has = (entity, key) => Boolean(entity?.metadata?.annotations?.[key]);

/** A service annotated with workspaces (either annotation set), a workspace Resource, or a TFE project's System. */
export function isTerraformAvailable(entity) {
  const organization = has(entity, 'terraform.io/organization') || has(entity, 'terraform/organization');
  const workspace =
    has(entity, 'terraform.io/workspace-id') ||
    has(entity, 'terraform/workspace') ||
    has(entity, 'terraform/workspaces');
  const project = entity?.kind === 'System' && has(entity, 'terraform.io/project-id');
  return organization && (workspace || project);
}

/** A blueprint template (a private registry module). */
export function isTerraformBlueprint(entity) {
  return entity?.metadata?.annotations?.['terraform.io/template'] === 'true';
}
