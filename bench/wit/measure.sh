#!/usr/bin/env bash
# Builds the WIT option (the core behind wit/world.wit, made a component and transpiled for Node
# with jco) and measures it against the shipped C-ABI module: module size, cold build time, and
# the mapping throughput and peak RSS of the 10,000-workspace organization's pages in Node.
# Needs `bash scripts/build.sh` (the C-ABI module) and the pages, e.g. from `node bench/dump.js`.
# Usage: bash bench/wit/measure.sh <pages dir>
set -euo pipefail
cd "$(dirname "$0")"
PAGES=${1:?usage: measure.sh <pages dir>}
WORK=${TMPDIR:-/tmp}/tfe-catalog-wit
rm -rf "$WORK" && mkdir -p "$WORK"

start=$(date +%s)
npm install --no-audit --no-fund --prefix "$WORK/jco" @bytecodealliance/jco@1.35.0 >/dev/null
jco_s=$(( $(date +%s) - start ))

start=$(date +%s)
env -u RUSTFLAGS CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C link-arg=--max-memory=1073741824" \
  cargo build --quiet --release --locked --target wasm32-unknown-unknown --target-dir "$WORK/target"
"$WORK/jco/node_modules/.bin/jco" new "$WORK/target/wasm32-unknown-unknown/release/tfe_catalog_wit.wasm" -o "$WORK/component.wasm" >/dev/null
"$WORK/jco/node_modules/.bin/jco" transpile "$WORK/component.wasm" -o "$WORK/out" --name core >/dev/null
echo '{"type":"module"}' > "$WORK/out/package.json"
build_s=$(( $(date +%s) - start ))

echo "jco install: ${jco_s} s, $(du -sm "$WORK/jco/node_modules" | cut -f1) MB of node_modules"
echo "cold build (cargo, jco new, jco transpile): ${build_s} s"
echo "component: $(stat -c %s "$WORK/component.wasm") bytes; transpiled core module $(stat -c %s "$WORK/out/core.core.wasm") bytes + JS $(stat -c %s "$WORK/out/core.js") bytes"
echo "C-ABI module (js-shim/wasm/tfe_catalog.wasm): $(stat -c %s ../../js-shim/wasm/tfe_catalog.wasm) bytes"
node measure.mjs main "$WORK/out/core.js" "$PAGES"/*.json
