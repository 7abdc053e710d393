#!/usr/bin/env bash
# Installs what is missing and builds everything: the wasm target, the npm dependencies, the core
# as one wasm module (loaded by Node and embedded in the host), the host CLI, and the frontend
# package with its dev app (js-frontend, its own npm install).
set -euo pipefail
cd "$(dirname "$0")/.."

export npm_config_nodedir=/usr # node-gyp builds better-sqlite3 against the local headers, never downloads

step() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm dependencies (compiles better-sqlite3: about 2 minutes, once)"
  npm ci --no-audit --no-fund
fi

step "building the core as one wasm module (js-shim/wasm/tfe_catalog.wasm, also embedded in the host)"
# The very command crates/host/build.rs runs, so that the host embeds, and cargo test runs, this
# file; a test compares the two byte for byte.
env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET \
  cargo build --quiet -p tfe-catalog-wasm --features cabi --target wasm32-unknown-unknown --profile wasm --target-dir target/guest
mkdir -p js-shim/wasm
cp target/guest/wasm32-unknown-unknown/wasm/tfe_catalog_wasm.wasm js-shim/wasm/tfe_catalog.wasm

step "building the host CLI (tfe-catalog, embedding the wasmtime guest)"
cargo build -p tfe-catalog-host ${CARGO_PROFILE_FLAG:-}

if [ ! -d js-frontend/node_modules ] || [ js-frontend/package-lock.json -nt js-frontend/node_modules/.package-lock.json ]; then
  # Its own install: Backstage frontends pin React 18 while the GlobalLogic card (a dev dependency,
  # for the side-by-side page) still declares React 17 peers; js-frontend/.npmrc allows that there only.
  step "installing the frontend package's npm dependencies (about 1 minute, once)"
  (cd js-frontend && npm ci --no-audit --no-fund)
fi
step "building the frontend package (js-frontend/dist) and its dev app (js-frontend/dev/dist)"
(cd js-frontend && node build.js && node dev/build.js)
