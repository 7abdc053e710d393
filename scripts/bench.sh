#!/usr/bin/env bash
# The benchmark: builds what is missing (the host in release mode), then prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cargo build --release -p tfe-catalog-host
node bench/run.js
