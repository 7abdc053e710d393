#!/usr/bin/env bash
# The demo: builds what is missing, then starts a real Backstage backend with the plugin against an
# embedded sample TFE organization (see demo/start.js). DEMO_PORT or --port picks the port (7007).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node demo/start.js "$@"
