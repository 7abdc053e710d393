'use strict';
// The one HTTP client for TFE: every request the plugin makes to TFE, a sync's pages and the
// on-demand reads of run summaries and plan logs, goes through here. It
// - takes a slot of the token's request budget first (the core's `budget`: one budget per token
//   in this process, shared by syncs and on-demand reads; 429s pause the token);
// - never follows redirects (a 3xx is an error: a redirect could carry the token, or a pre-signed
//   URL, to another host);
// - reads bodies as a stream and stops at a size bound, never holding more than the bound;
// - shares one request between concurrent identical on-demand reads;
// - redacts its errors: never the token, never a URL's query string (pre-signed URLs carry their
//   signature there).

const core = require('./core');

/** Largest TFE API document read unless configured (`terraform.maxResponseBytes`). */
const DEFAULT_MAX_RESPONSE_BYTES = core.constants().limits.maxResponseBytes;

/** Backstage's error handler answers 503 for this name. */
class TfeUnavailableError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

/** token → {state, inflight}: the token's budget and its on-demand reads in flight. */
const budgets = new Map();

function budgetOf(token) {
  let budget = budgets.get(token);
  if (!budget) {
    budget = { state: null, inflight: new Map() };
    budgets.set(token, budget);
  }
  return budget;
}

/** `text` without `secrets` and without query strings of URLs. */
function redact(text, secrets = []) {
  let out = String(text);
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#'"]*)\?[^\s'"#]*/gi, '$1?[redacted]');
}

/** The URL as it may appear in a message: no query string. */
const shown = url => redact(url);

/**
 * Reads `res`'s body up to `maxBytes`. Past it, the rest is not read: with `cut` the first
 * `maxBytes` come back with `cut: true`; otherwise it throws.
 */
async function readCapped(res, maxBytes, { cut = false, what = 'the response' } = {}) {
  const declared = Number(res.headers.get('content-length'));
  if (!cut && Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new TfeUnavailableError(`${what} is larger than the limit of ${maxBytes} bytes`);
  }
  const chunks = [];
  let total = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > maxBytes) {
        await reader.cancel().catch(() => {});
        if (!cut) throw new TfeUnavailableError(`${what} is larger than the limit of ${maxBytes} bytes`);
        chunks.push(value.subarray(0, maxBytes - total));
        total = maxBytes;
        return { bytes: Buffer.concat(chunks, total), cut: true };
      }
      chunks.push(value);
      total += value.byteLength;
    }
  }
  return { bytes: Buffer.concat(chunks, total), cut: false };
}

/** `readCapped`, with a connection lost mid-body reported (redacted) as TFE being unavailable. */
async function readBody(res, maxBytes, { what, secrets, cut = false }) {
  try {
    return await readCapped(res, maxBytes, { what, cut });
  } catch (e) {
    if (e instanceof TfeUnavailableError) throw e;
    throw new TfeUnavailableError(redact(`${what}: body cut short: ${e.cause?.message ?? e.message}`, secrets));
  }
}

/** One fetch, without following redirects; transport errors redacted. */
async function fetchOnce(url, { headers, timeoutMs, secrets, what }) {
  let res;
  try {
    res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new TfeUnavailableError(redact(`${what} failed: ${e.name}: ${e.cause?.message ?? e.message}`, secrets));
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => {});
    throw new TfeUnavailableError(`${what} answered a redirect (${res.status}), which is not followed`);
  }
  return res;
}

/** Waits `ms` (none when it has already passed). */
const sleep = ms => new Promise(r => setTimeout(r, Math.max(0, ms)));

/**
 * A GET to the TFE API with `token`, paced by the token's budget. `kind` is `sync` (the
 * planner handles 429s itself) or `onDemand` (a 429 is retried once, after the reset; a budget
 * with too many reads waiting refuses with 503). Resolves `{status, headers, body}` (body: text,
 * or with `raw` the bytes as read, which the sync hands to the core without decoding them).
 */
async function apiGet(url, token, { kind = 'onDemand', headers = {}, maxBytes = DEFAULT_MAX_RESPONSE_BYTES, timeoutMs = 60_000, raw = false } = {}) {
  const budget = budgetOf(token);
  const what = `GET ${shown(url)}`;
  for (let attempt = 1; ; attempt++) {
    const { state, decision } = core.budgetReserve(budget.state, null, Date.now(), kind);
    budget.state = state;
    if (decision.type === 'busy') {
      throw new TfeUnavailableError('too many TFE reads are waiting for this token\'s request budget; try again shortly');
    }
    await sleep(decision.atMs - Date.now());
    const res = await fetchOnce(url, {
      headers: { Accept: 'application/vnd.api+json', ...headers, Authorization: `Bearer ${token}` },
      timeoutMs,
      secrets: [token],
      what,
    });
    const pairs = [...res.headers];
    const observed = core.budgetObserve(budget.state, null, Date.now(), res.status, pairs, kind === 'sync' ? 2 ** 31 : attempt);
    budget.state = observed.state;
    if (observed.verdict === 'retry') {
      await res.body?.cancel().catch(() => {});
      continue;
    }
    const { bytes } = await readBody(res, maxBytes, { what, secrets: [token] });
    return { status: res.status, headers: pairs, body: raw ? bytes : bytes.toString('utf8') };
  }
}

/** `apiGet` for on-demand reads, concurrent identical ones sharing one request. */
function sharedGet(url, token, options) {
  const { inflight } = budgetOf(token);
  if (!inflight.has(url)) {
    inflight.set(url, apiGet(url, token, { ...options, kind: 'onDemand' }).finally(() => inflight.delete(url)));
  }
  return inflight.get(url);
}

/**
 * A plan log from its checked, pre-signed URL (no token: the URL is the credential), cut at
 * `maxBytes`. Resolves `{text, cut}`; throws `TfeUnavailableError` for anything but a 200.
 */
async function fetchLog(url, { maxBytes, timeoutMs = 30_000 }) {
  const what = `the plan log at ${shown(url)}`;
  const res = await fetchOnce(url, { headers: {}, timeoutMs, secrets: [], what });
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw new TfeUnavailableError(`${what} answered ${res.status}`);
  }
  const { bytes, cut } = await readBody(res, maxBytes, { cut: true, what, secrets: [] });
  return { text: bytes.toString('utf8'), cut };
}

module.exports = { DEFAULT_MAX_RESPONSE_BYTES, apiGet, sharedGet, fetchLog, redact, readCapped, sleep, TfeUnavailableError };
