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

module.exports = { OUTSIDER, outsiderPolicy };
