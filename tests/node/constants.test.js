'use strict';
// One spelling of every annotation key: the core's. The shim reads them from `constants()`, the
// frontend from its generated constants module; neither source tree spells a key itself.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const core = require('../../js-shim/src/core');
const frontendConstants = require('../../js-frontend/scripts/constants');

const ROOT = path.join(__dirname, '../..');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return /\.(js|jsx|ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [file] : [];
  });
}

test("the frontend's constants module is the core's constants()", () => {
  assert.strictEqual(
    fs.readFileSync(frontendConstants.FILE, 'utf8'),
    frontendConstants.generated(),
    'js-frontend/src/constants.js is stale: run `node js-frontend/scripts/constants.js`',
  );
});

test('no annotation key is spelled in the shim or the frontend outside the generated module', () => {
  const keys = Object.values(core.constants().annotations);
  const spelled = [];
  for (const dir of ['js-shim/src', 'js-frontend/src']) {
    for (const file of sources(path.join(ROOT, dir))) {
      if (file === frontendConstants.FILE) continue;
      // Code, not comments: a key in quotes or backticks.
      const text = fs.readFileSync(file, 'utf8');
      for (const key of keys) {
        for (const q of ["'", '"', '`']) {
          if (text.includes(`${q}${key}${q}`)) spelled.push(`${path.relative(ROOT, file)}: ${key}`);
        }
      }
    }
  }
  assert.deepStrictEqual(spelled, []);
});
