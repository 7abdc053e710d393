#!/usr/bin/env bash
# Installs what is missing and builds everything: the wasm target, wasm-bindgen-cli, the npm
# dependencies, the core for Node (wasm-bindgen), the host CLI (which embeds the wasmtime guest),
# and the frontend package with its dev app (js-frontend, its own npm install).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen crate pinned in crates/wasm/Cargo.toml
export npm_config_nodedir=/usr # node-gyp builds better-sqlite3 against the local headers, never downloads

step() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" # not --locked: see shared toolchain notes
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm dependencies (compiles better-sqlite3: about 2 minutes, once)"
  npm ci --no-audit --no-fund
fi

step "building the core for Node (wasm-bindgen)"
cargo build -p tfe-catalog-wasm --target wasm32-unknown-unknown --profile wasm --features node
wasm-bindgen --target nodejs --out-dir js-shim/wasm target/wasm32-unknown-unknown/wasm/tfe_catalog_wasm.wasm

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
