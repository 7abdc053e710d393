// `npm pack` / `npm publish`: builds dist/ from the sources, so a tarball never carries a stale or
// missing build. Building needs esbuild, a dev dependency; without it, stop with what to do.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
try {
  require.resolve('esbuild', { paths: [root] });
} catch {
  console.error('npm pack needs the frontend package\'s dev dependencies to build dist/: run `npm ci` in js-frontend first.');
  process.exit(1);
}
execFileSync(process.execPath, [path.join(root, 'build.js')], { cwd: root, stdio: 'inherit' });
for (const file of ['dist/index.esm.js', 'dist/alpha.esm.js', 'dist/index.d.ts', 'dist/alpha.d.ts', 'LICENSE', 'README.md', 'CHANGELOG.md']) {
  if (!fs.existsSync(path.join(root, file))) {
    console.error(`npm pack: ${file} is missing from js-frontend`);
    process.exit(1);
  }
}
