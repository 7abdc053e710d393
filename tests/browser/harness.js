'use strict';
// Serves the dev app (js-frontend/dev) from the Backstage backend itself, at its root, the way
// Backstage's app backend serves a real app: page and API share one origin, so URLs the backend
// builds from its external base URL (GlobalLogic's plan.logs) work as they do in production. And
// starts Debian's Chromium through playwright-core (no browser download).
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');
const { coreServices, createBackendPlugin } = require('@backstage/backend-plugin-api');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let built;
/** Builds the dev app once per test process. */
function buildDevApp() {
  built ??= require('../../js-frontend/dev/build.js').build();
  return built;
}

/**
 * A backend plugin serving the built dev app, index.html for every client-side route. Its id is
 * `app` because Backstage's root router serves that plugin's routes at `/` too (its index path).
 */
async function devAppFeature() {
  const root = await buildDevApp();
  return createBackendPlugin({
    pluginId: 'app',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          const router = express.Router();
          router.use(express.static(root, { index: false }));
          router.get(/.*/, (_req, res) => res.sendFile(path.join(root, 'index.html')));
          httpRouter.use(router);
          httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        },
      });
    },
  });
}

async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (scripts/test.sh does) or set CHROMIUM_PATH`);
  }
  const { chromium } = require('playwright-core');
  // Playwright starts each browser with a fresh, empty profile of its own. Without the
  // background-networking flags Chromium keeps dialling Google hosts this machine cannot reach.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

module.exports = { devAppFeature, launchChromium, buildDevApp };
