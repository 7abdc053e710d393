'use strict';
// Loads the core: the one wasm module (wasm/tfe_catalog.wasm) that the wasmtime host also runs and
// that `cargo test` checks byte for byte. Its ABI (version 2) is documented in
// crates/wasm/src/cabi.rs: `tc_call(name, args)` runs an operation on a JSON array of arguments.
// Every operation the module lists is exported here by name: a new core function needs no edit.
//
// Containment: a trap (a bug, or memory exhausted: the module's memory is capped at 1 GiB) fails
// that one call with a CoreTrapError, and the next call runs on a fresh instance.

const fs = require('node:fs');
const path = require('node:path');

const WASM = path.join(__dirname, '../wasm/tfe_catalog.wasm');
const ABI_VERSION = 2;

/** A trap inside the wasm core: the call failed and the core was replaced by a fresh instance. */
class CoreTrapError extends Error {
  constructor(name, cause) {
    super(`the tfe-catalog core trapped in ${name} (${cause.message}); it was reloaded for the next call`);
    this.name = 'CoreTrapError';
    this.cause = cause;
  }
}

let module_;
try {
  module_ = new WebAssembly.Module(fs.readFileSync(WASM));
} catch (e) {
  throw new Error(`the tfe-catalog wasm core is missing or unreadable (${e.message}); build it with \`bash scripts/build.sh\``);
}
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
let instance = new WebAssembly.Instance(module_, {}).exports;

/** Copies `bytes` into the instance's memory; the callee frees it. */
function put(exports, bytes) {
  const ptr = exports.tc_alloc(bytes.length);
  new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
  return ptr;
}

/** Copies `bytes` into the instance's memory (none for an empty payload); the callee frees it. */
function putPayload(exports, bytes) {
  return bytes.length === 0 ? 0 : put(exports, bytes);
}

/**
 * Runs operation `name` with `args` on `exports` (an instance); throws the core's error message.
 * A top-level bytes argument (Buffer, Uint8Array) travels as the raw payload, `null` in the JSON;
 * `payload` (a string or bytes) can also be given directly.
 */
function callOn(exports, name, args, payload) {
  const bytesAt = args.findIndex(a => a instanceof Uint8Array);
  if (bytesAt >= 0) {
    payload = args[bytesAt];
    args = args.map((a, i) => (i === bytesAt ? null : a));
  }
  const nameBytes = encoder.encode(name);
  const argBytes = encoder.encode(JSON.stringify(args));
  const payloadBytes = typeof payload === 'string' ? encoder.encode(payload) : (payload ?? new Uint8Array(0));
  const code = exports.tc_call(
    put(exports, nameBytes), nameBytes.length, put(exports, argBytes), argBytes.length,
    putPayload(exports, payloadBytes), payloadBytes.length,
  );
  const out = decoder.decode(new Uint8Array(exports.memory.buffer, exports.tc_result_ptr(), exports.tc_result_len()));
  if (code === 1) throw new Error(out);
  return code === 2 ? out : JSON.parse(out);
}

/** Runs `name` on the current instance; on a trap, replaces the instance and throws CoreTrapError. */
function call(name, args, exports = instance, payload = undefined) {
  try {
    return callOn(exports, name, args, payload);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    if (instance === exports) instance = new WebAssembly.Instance(module_, {}).exports;
    throw new CoreTrapError(name, e);
  }
}

const abi = call('abiVersion', []);
if (abi !== ABI_VERSION) throw new Error(`the tfe-catalog wasm core speaks ABI ${abi}, this loader ${ABI_VERSION}`);

/**
 * One organization's sync (see the core's `sync` module). Its state lives in the instance that
 * was current when it was made; after that instance traps, the planner's calls fail.
 */
class SyncPlanner {
  constructor(config) {
    this.exports = instance;
    this.handle = call('plannerNew', [config], this.exports);
  }
  /** `{type: "request" | "wait" | "done" | "failed", ...}`. */
  poll(nowMs) {
    const out = call('plannerPoll', [this.handle, nowMs], this.exports);
    if (out.type !== 'done') return out;
    // The snapshot's entities come in chunks of the core's size: no one string holds the whole
    // organization.
    const { entityCount, entityChunk, ...done } = out;
    done.entities = [];
    for (let start = 0; start < entityCount; start += entityChunk) {
      for (const entity of call('plannerEntities', [this.handle, start, entityChunk], this.exports)) done.entities.push(entity);
    }
    return done;
  }
  /** `{type: "response", id, status, headers, body}` or `{type: "transportError", id, message}`. */
  handleInput(input, nowMs) {
    // The body travels as the payload: not escaped into, and out of, the JSON.
    const { body, ...rest } = input;
    call('plannerInput', [this.handle, { ...rest, body: '' }, nowMs], this.exports, body ?? '');
  }
  free() {
    if (this.exports === instance) call('plannerFree', [this.handle], this.exports);
  }
}

/**
 * `{documents: [{name, text}], options, format}` → the canonical entity JSON text, each document
 * handed over as it is (the core parses and drops one at a time).
 */
function mapDocuments({ documents = [], options = {}, format = 'backstage' }) {
  const exports = instance;
  const handle = call('mapBegin', [options, format], exports);
  for (const { name, text } of documents) call('mapAdd', [handle, name, null], exports, text);
  return call('mapFinish', [handle], exports);
}

const exported = { SyncPlanner, CoreTrapError, mapDocuments };
const OPERATIONS = /^(abiVersion|planner[A-Z].*|map[A-Z].*)$/; // used above, not exported
for (const name of call('operations', [])) {
  if (!OPERATIONS.test(name)) exported[name] = (...args) => call(name, args);
}
module.exports = exported;
