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

/** Performs a planner request through the TFE client (the token's budget, no redirects, a size bound). */
async function perform(request, token) {
  try {
    const res = await tfe.apiGet(request.url, token, { kind: 'sync', headers: Object.fromEntries(request.headers) });
    return { type: 'response', id: request.id, ...res };
  } catch (e) {
    // The client's errors are redacted: never the token, never a query string.
    return { type: 'transportError', id: request.id, message: e.message };
  }
}

/** Runs one sync to completion: resolves with `{organization, entities, stats}`. */
async function runSync(syncConfig, token, { now = Date.now } = {}) {
  const planner = new core.SyncPlanner({ ...syncConfig, seed: Math.floor(Math.random() * 2 ** 32) });
  try {
    for (;;) {
      const out = planner.poll(now());
      if (out.type === 'request') planner.handleInput(await perform(out, token), now());
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

module.exports = { runSync, validateSyncConfig, validateOrganizations, SyncFailedError };
