'use strict';
// Backstage's own validators (@backstage/catalog-model), as the catalog applies them.
const model = require('@backstage/catalog-model');

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const kindValidators = {
  Resource: model.resourceEntityV1alpha1Validator,
  Component: model.componentEntityV1alpha1Validator,
  System: model.systemEntityV1alpha1Validator,
};

/** Throws with Backstage's message when the entity is invalid. */
async function validateEntity(entity) {
  const validator = kindValidators[entity.kind];
  if (!validator) throw new Error(`no validator for kind ${entity.kind}`);
  await policy.enforce(structuredClone(entity));
  if (!(await validator.check(entity))) throw new Error(`${entity.kind} validator did not accept it`);
  for (const field of ['owner', 'system']) {
    if (entity.spec[field]) model.parseEntityRef(entity.spec[field]);
  }
  for (const ref of entity.spec.dependsOn ?? []) model.parseEntityRef(ref); // dependsOn has no default kind
}

module.exports = { validateEntity };
