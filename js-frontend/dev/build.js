// Bundles the dev app (dev/index.jsx) into dev/dist: one index.html and its scripts.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const out = path.join(__dirname, 'dist');

async function build() {
  fs.rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'index.jsx')],
    outdir: out,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    loader: { '.js': 'jsx', '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    minify: true,
    logLevel: 'warning',
  });
  fs.writeFileSync(
    path.join(out, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tfe-catalog</title></head>' +
      '<body><div id="root"></div><script type="module" src="/index.js"></script></body></html>\n',
  );
  return out;
}

if (require.main === module) build().catch(e => { console.error(e); process.exit(1); });
module.exports = { build, out };
