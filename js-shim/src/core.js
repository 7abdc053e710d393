'use strict';
// Loads the core (wasm-bindgen build, `wasm-bindgen --target nodejs`). Built by scripts/build.sh.
let core;
try {
  core = require('../wasm/tfe_catalog_wasm.js');
} catch (e) {
  throw new Error(
    `the tfe-catalog wasm core is missing (${e.message}); build it with \`bash scripts/build.sh\``,
  );
}
module.exports = core;
