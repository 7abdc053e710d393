#!/usr/bin/env bash
# The full test suite: builds what is missing, then the Rust tests (native core, wasmtime parity,
# host) and the Node tests (Node parity, Backstage validators, a real Backstage catalog on SQLite,
# and on PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a server), and
# the browser tests (the entity cards in Debian's headless Chromium, installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

printf '\n== the benchmark scripts parse (no test runs them)\n'
for script in bench/*.js bench/wit/*.mjs; do node --check "$script"; done

printf '\n== type declarations and API reports of both packages (strict TypeScript consumers)\n'
(cd js-shim && node scripts/api-report.js --check)
(cd js-frontend && npm run --silent typecheck)

printf '\n== cargo test\n'
cargo test --workspace

CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM_PATH" ]; then
  printf '\n== installing Chromium from Debian (for the browser tests; playwright-core downloads nothing)\n'
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  fi
fi
export CHROMIUM_PATH

printf '\n== node --test\n'
node --test --test-force-exit --test-concurrency=1 tests/node/*.test.js tests/browser/*.test.js
