#!/usr/bin/env bash
# The full test suite: builds what is missing, then the Rust tests (native core, wasmtime parity,
# host) and the Node tests (Node parity, Backstage validators, a real Backstage catalog on SQLite,
# and on PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

printf '\n== cargo test\n'
cargo test --workspace

printf '\n== node --test\n'
node --test --test-force-exit --test-concurrency=1 tests/node/
