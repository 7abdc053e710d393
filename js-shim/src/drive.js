'use strict';
// Drives the core's sync planner: performs the requests it asks for (adding the token), sleeps
// when it says wait, and returns its snapshot or throws its error. No decisions live here.

const core = require('./core');
const tfe = require('./tfe');

class SyncFailedError extends Error {
  constructor(message, stats) {
    super(message);
    this.name = 'SyncFailedError';
    this.stats = stats;
  }
}

/** The core's bound on one TFE response body, unless the caller configures another. */
const MAX_RESPONSE_BYTES = core.constants().limits.maxResponseBytes;

/**
 * Performs a planner request through the TFE client: the token's budget, no redirects, and a body
 * over `maxBytes` refused while it streams in (never buffered whole, never handed to the core),
 * reported to the planner as a transport error.
 */
async function perform(request, token, maxBytes = MAX_RESPONSE_BYTES) {
  try {
    const res = await tfe.apiGet(request.url, token, { kind: 'sync', headers: Object.fromEntries(request.headers), maxBytes });
    return { type: 'response', id: request.id, ...res };
  } catch (e) {
    // The client's errors are redacted: never the token, never a query string.
    return { type: 'transportError', id: request.id, message: e.message };
  }
}

/** Runs one sync to completion: resolves with `{organization, entities, stats}`. */
async function runSync(syncConfig, token, { now = Date.now, maxResponseBytes = MAX_RESPONSE_BYTES } = {}) {
  const planner = new core.SyncPlanner({ ...syncConfig, seed: Math.floor(Math.random() * 2 ** 32) });
  try {
    for (;;) {
      const out = planner.poll(now());
      if (out.type === 'request') planner.handleInput(await perform(out, token, maxResponseBytes), now());
      else if (out.type === 'wait') await new Promise(r => setTimeout(r, Math.max(0, out.untilMs - now())));
      else if (out.type === 'done') return out;
      else throw new SyncFailedError(out.error, out.stats);
    }
  } finally {
    planner.free();
  }
}

/** Throws the core's message when the configuration is unusable. */
function validateSyncConfig(syncConfig) {
  try {
    new core.SyncPlanner(syncConfig).free();
  } catch (e) {
    throw new Error(`terraform.organizations (${syncConfig.organization}): ${e.message}`);
  }
}

/** Throws the core's message when the organizations cannot be configured together. */
function validateOrganizations(syncConfigs) {
  for (const syncConfig of syncConfigs) validateSyncConfig(syncConfig);
  try {
    core.checkOrganizations(syncConfigs);
  } catch (e) {
    throw new Error(`terraform.organizations: ${e.message}`);
  }
}

module.exports = { runSync, validateSyncConfig, validateOrganizations, SyncFailedError, perform };
