'use strict';
// The `terraform` backend plugin: its HTTP routes under /api/terraform.

const express = require('express');
const { coreServices, createBackendPlugin } = require('@backstage/backend-plugin-api');

const terraformPlugin = createBackendPlugin({
  pluginId: 'terraform',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = express.Router();
        router.get('/health', (_req, res) => res.json({ status: 'ok' }));
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});

module.exports = { terraformPlugin };
