'use strict';
// A permission policy for tests: everyone may read the catalog, except one user.
//
// It is a permissions service that makes the decision itself: Backstage's real permission backend
// refuses the test harness's mock user tokens ("Direct user requests without a resourceRef are not
// allowed"). The catalog's own permission checks still run through it, with the caller's
// credentials as the catalog receives them.
const { coreServices, createServiceFactory } = require('@backstage/backend-plugin-api');
const { AuthorizeResult } = require('@backstage/plugin-permission-common');

const OUTSIDER = 'user:default/outsider';

/** Everyone may read the catalog, except the outsider. */
function decide(permission, credentials) {
  const denied = credentials?.principal?.userEntityRef === OUTSIDER && permission.name === 'catalog.entity.read';
  return { result: denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW };
}
const outsiderPolicy = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    authorize: async (requests, { credentials }) => requests.map(r => decide(r.permission, credentials)),
    authorizeConditional: async (requests, { credentials }) => requests.map(r => decide(r.permission, credentials)),
  }),
});

/**
 * Everyone may read the catalog; the outsider only entities of the `default` namespace (so they
 * can register and read a Resource of their own, but not the plugin's workspaces).
 */
const NAMESPACE_CONDITION = {
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: { rule: 'HAS_METADATA', resourceType: 'catalog-entity', params: { key: 'namespace', value: 'default' } },
};
function decideByNamespace(request, credentials) {
  if (credentials?.principal?.userEntityRef !== OUTSIDER || request.permission.name !== 'catalog.entity.read') {
    return { result: AuthorizeResult.ALLOW };
  }
  if (request.resourceRef) {
    return { result: /:default\//.test(request.resourceRef) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
  return { result: AuthorizeResult.CONDITIONAL, ...NAMESPACE_CONDITION };
}
const defaultNamespaceOnlyPolicy = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    authorize: async (requests, { credentials }) => requests.map(r => decideByNamespace(r, credentials)),
    authorizeConditional: async (requests, { credentials }) => requests.map(r => decideByNamespace(r, credentials)),
  }),
});

module.exports = { OUTSIDER, outsiderPolicy, defaultNamespaceOnlyPolicy };
