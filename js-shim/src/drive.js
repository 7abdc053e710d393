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
    // The body stays bytes: the core reads UTF-8 itself, so it is neither decoded nor re-encoded here.
    const res = await tfe.apiGet(request.url, token, { kind: 'sync', headers: Object.fromEntries(request.headers), maxBytes, raw: true });
    return { type: 'response', id: request.id, ...res };
  } catch (e) {
    // The client's errors are redacted: never the token, never a query string.
    return { type: 'transportError', id: request.id, message: e.message };
  }
}

/**
 * Runs one sync to completion: resolves with `{organization, entities, stats}`. Requests run
 * concurrently as the planner hands them out; the loop waits for the first of the planner's next
 * slot or an answer, and hands each answer in as it arrives. Requests still in flight at the end
 * are abandoned (the planner no longer needs them).
 */
async function runSync(syncConfig, token, { now = Date.now, maxResponseBytes = MAX_RESPONSE_BYTES } = {}) {
  const planner = new core.SyncPlanner({ ...syncConfig, seed: Math.floor(Math.random() * 2 ** 32) });
  const inFlight = new Map();
  try {
    for (;;) {
      const out = planner.poll(now());
      if (out.type === 'request') inFlight.set(out.id, perform(out, token, maxResponseBytes));
      else if (out.type === 'wait') {
        const input = await firstOf([...inFlight.values()], out.untilMs == null ? null : out.untilMs - now());
        if (input) {
          inFlight.delete(input.id);
          planner.handleInput(input, now());
        }
      } else if (out.type === 'done') return out;
      else throw new SyncFailedError(out.error, out.stats);
    }
  } finally {
    planner.free();
  }
}

/** The first answer of `answers` (which never reject), or null once `ms` (if not null) pass. */
async function firstOf(answers, ms) {
  if (ms == null && answers.length === 0) throw new Error('the sync planner waits with no request in flight');
  if (ms == null) return Promise.race(answers);
  let timer;
  const elapsed = new Promise(resolve => {
    timer = setTimeout(() => resolve(null), Math.max(0, ms));
  });
  try {
    return await Promise.race([...answers, elapsed]);
  } finally {
    clearTimeout(timer);
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
