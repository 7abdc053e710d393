'use strict';
// The corpus in Node (the one wasm module the plugin loads, which cargo test also runs): byte-identical to the expected
// files, which the native core and wasmtime also produce; and every expected entity passes
// Backstage's validators.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const core = require('../../js-shim/src/core');
const { cases } = require('./corpus');
const { validateEntity } = require('./validators');

for (const c of cases()) {
  test(`corpus ${c.name}: Node gives the expected bytes`, () => {
    if (c.expected !== undefined) {
      assert.equal(core.mapDocuments(c.request), c.expected);
    } else {
      assert.throws(() => core.mapDocuments(c.request), e => {
        assert.equal(`${e.message}\n`, c.expectedError);
        return true;
      });
    }
  });
  if (c.expected !== undefined && c.request.format !== 'port') {
    test(`corpus ${c.name}: every entity passes @backstage/catalog-model`, async () => {
      const entities = JSON.parse(c.expected);
      for (const entity of entities) await validateEntity(entity);
    });
  }
}

test('a trap in the core fails that one call with a clear error, and the next call gets a fresh instance', () => {
  const planner = new core.SyncPlanner({ organization: 'acme', baseUrl: 'https://tfe.example' });
  assert.throws(() => core.__trapForTests(), e => {
    assert.equal(e.name, 'CoreTrapError');
    assert.match(e.message, /trapped in __trapForTests .*reloaded/);
    return true;
  });
  // A fresh instance answers, and planners made after the trap work.
  assert.equal(core.needsFetch(null, 0), true);
  const fresh = new core.SyncPlanner({ organization: 'acme', baseUrl: 'https://tfe.example' });
  assert.equal(fresh.poll(0).type, 'request');
  fresh.free();
  planner.free(); // made by the trapped instance: freeing it is harmless
});

test('the core\'s memory is capped in the module that Node loads', () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const bytes = fs.readFileSync(path.join(__dirname, '../../js-shim/wasm/tfe_catalog.wasm'));
  const { memory } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  assert.throws(() => memory.grow(1024 * 1024 / 64 + 1), RangeError); // past 1 GiB (65536-byte pages)
});

test('constants come from the core: annotation keys, defaults and limits', () => {
  const c = core.constants();
  assert.equal(c.annotations.workspaceId, 'terraform.io/workspace-id');
  assert.equal(c.annotations.runStatus, 'terraform.io/run-status');
  assert.equal(c.defaults.baseUrl, 'https://app.terraform.io');
  assert.equal(c.limits.maxResponseBytes, 16 * 1024 * 1024);
});

test('a TFE response over the bound is refused before it reaches the core', async () => {
  const http = require('node:http');
  const { perform } = require('../../js-shim/src/drive');
  const big = 'x'.repeat(64 * 1024);
  const server = http.createServer((req, res) => {
    if (req.url === '/chunked') {
      res.writeHead(200, { 'Content-Type': 'application/json' }); // no Content-Length: streamed
      for (let i = 0; i < 4; i++) res.write(big);
      res.end();
    } else res.end(big + big); // declared in Content-Length
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  try {
    const get = path => ({ id: 1, method: 'GET', url: `${url}${path}`, headers: [] });
    for (const path of ['/declared', '/chunked']) {
      const out = await perform(get(path), 't', 100 * 1024);
      assert.equal(out.type, 'transportError', path);
      assert.match(out.message, /larger than the limit of 102400 bytes/, path);
    }
    const ok = await perform(get('/declared'), 't', 1024 * 1024);
    assert.equal(ok.type, 'response');
    assert.equal(ok.body.length, 2 * big.length);
  } finally {
    server.close();
  }
});
