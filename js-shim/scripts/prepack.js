// `npm pack` / `npm publish`: the package is useless without the core built for Node (wasm/), which
// is not in git. Fail, saying how to build it, rather than pack a package that cannot start.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const REQUIRED = [
  'wasm/tfe_catalog.wasm',
  'src/index.js',
  'src/index.d.ts',
  'config.d.ts',
  'LICENSE',
  'README.md',
  'CHANGELOG.md',
];
const missing = REQUIRED.filter(file => !fs.existsSync(path.join(root, file)));
if (missing.length > 0) {
  console.error(`npm pack: js-shim is missing ${missing.join(', ')}.`);
  if (missing.some(f => f.startsWith('wasm/'))) {
    console.error('Build the core for Node first: `bash scripts/build.sh` at the repository root (needs Rust).');
  }
  process.exit(1);
}
