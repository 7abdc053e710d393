'use strict';
// Drives the core's sync planner: performs the requests it asks for (adding the token), sleeps
// when it says wait, and returns its snapshot or throws its error. No decisions live here.

const core = require('./core');

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
 * Performs one request. A body over `maxBytes` is refused while it streams in (never buffered
 * whole, never handed to the core) and reported to the planner as a transport error.
 */
async function perform(request, token, maxBytes = MAX_RESPONSE_BYTES) {
  const controller = new AbortController();
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: { ...Object.fromEntries(request.headers), Authorization: `Bearer ${token}` },
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(60_000)]),
    });
    const tooLarge = `response body over ${maxBytes} bytes refused`;
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      controller.abort();
      return { type: 'transportError', id: request.id, message: tooLarge };
    }
    const chunks = [];
    let length = 0;
    for await (const chunk of res.body ?? []) {
      length += chunk.length;
      if (length > maxBytes) break; // cancels the body stream
      chunks.push(chunk);
    }
    if (length > maxBytes) {
      controller.abort();
      return { type: 'transportError', id: request.id, message: tooLarge };
    }
    const body = Buffer.concat(chunks, length).toString('utf8');
    return { type: 'response', id: request.id, status: res.status, headers: [...res.headers], body };
  } catch (e) {
    // fetch errors name the URL and the cause, never the request headers.
    return { type: 'transportError', id: request.id, message: `${e.name}: ${e.cause?.message ?? e.message}` };
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

module.exports = { runSync, validateSyncConfig, SyncFailedError, perform };
