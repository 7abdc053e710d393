'use strict';
// The corpus in Node (the wasm-bindgen build the plugin loads): byte-identical to the expected
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
