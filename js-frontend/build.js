// Builds dist/: index.esm.js (legacy frontend system) and alpha.esm.js (new frontend system), JSX
// compiled, every dependency left to the app's bundler, and the type declarations beside them.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const pkg = require('./package.json');

const dist = path.join(__dirname, 'dist');

async function build() {
  fs.rmSync(dist, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { index: 'src/index.js', alpha: 'src/alpha.js' },
    outdir: dist,
    entryNames: '[name].esm',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    loader: { '.js': 'jsx' },
    external: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies), '@material-ui/*', '@backstage/*', 'react/*'],
    sourcemap: true,
    logLevel: 'info',
  });
  for (const name of ['index.d.ts', 'alpha.d.ts']) fs.copyFileSync(path.join(__dirname, 'src', name), path.join(dist, name));
}

build().catch(e => {
  console.error(e);
  process.exit(1);
});
