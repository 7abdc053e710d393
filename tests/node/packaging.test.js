'use strict';
// `npm pack` of each package either contains everything the package needs or fails saying why:
// the backend refuses to pack without the core's WebAssembly build, the frontend without the dev
// dependencies that build dist/. Each tarball carries the LICENSE, a README and a CHANGELOG.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function pack(dir) {
  const out = spawnSync(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts=false'], { cwd: dir, encoding: 'utf8' });
  return { status: out.status, stderr: out.stderr, files: out.status === 0 ? JSON.parse(out.stdout)[0].files.map(f => f.path) : [] };
}

/** A copy of a package directory as a clean checkout has it (git-tracked files only). */
function cleanCopy(pkgDir) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-catalog-pack-'));
  const tracked = spawnSync('git', ['ls-files', '-z', pkgDir], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const file of tracked) {
    const to = path.join(tmp, path.relative(pkgDir, file));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), to);
  }
  return tmp;
}

const licence = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
// A clean checkout is what git tracks: without a git checkout (a copy of the sources, as the run on
// a second Node version uses) the refusal checks have nothing to start from.
const inGit = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() === 'true';

test('the backend package packs its wasm, declarations, config schema and LICENSE, and refuses to pack without the wasm', t => {
  const { status, files, stderr } = pack(path.join(ROOT, 'js-shim'));
  assert.equal(status, 0, stderr);
  for (const f of ['wasm/tfe_catalog.wasm', 'src/index.js', 'src/index.d.ts', 'config.d.ts', 'LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
    assert.ok(files.includes(f), `${f} in the tarball`);
  }
  assert.equal(fs.readFileSync(path.join(ROOT, 'js-shim/LICENSE'), 'utf8'), licence);

  if (!inGit) return t.skip('not a git checkout');
  const clean = cleanCopy('js-shim');
  assert.ok(!fs.existsSync(path.join(clean, 'wasm')), 'a clean checkout has no wasm build');
  const refused = pack(clean);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /js-shim is missing wasm\/tfe_catalog\.wasm/);
  assert.match(refused.stderr, /bash scripts\/build\.sh/);
});

test('the frontend package builds dist/ when packed, and without its dev dependencies says what to run', t => {
  const { status, files, stderr } = pack(path.join(ROOT, 'js-frontend'));
  assert.equal(status, 0, stderr);
  for (const f of ['dist/index.esm.js', 'dist/alpha.esm.js', 'dist/index.d.ts', 'dist/alpha.d.ts', 'LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
    assert.ok(files.includes(f), `${f} in the tarball`);
  }
  assert.ok(!files.some(f => f.startsWith('src/') || f.startsWith('dev/')), 'sources and the dev app stay out');
  assert.equal(fs.readFileSync(path.join(ROOT, 'js-frontend/LICENSE'), 'utf8'), licence);

  if (!inGit) return t.skip('not a git checkout');
  const refused = pack(cleanCopy('js-frontend'));
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /npm pack needs the frontend package's dev dependencies to build dist\/: run `npm ci` in js-frontend first/);
});
