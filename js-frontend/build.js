// Builds dist/index.esm.js: JSX compiled, every dependency left to the app's bundler.
const esbuild = require('esbuild');
const pkg = require('./package.json');

esbuild
  .build({
    entryPoints: ['src/index.js'],
    outdir: 'dist',
    entryNames: 'index.esm',
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
  })
  .catch(() => process.exit(1));
