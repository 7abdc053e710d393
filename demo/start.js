'use strict';
// The demo: a real Backstage backend (createBackend, the catalog backend, this plugin) syncing an
// embedded sample TFE organization served by the project's fake TFE. Prints what to curl.
//   node demo/start.js [--port 7007]
const path = require('node:path');
const { parseArgs } = require('node:util');
const { startFakeTfe, generateOrganization } = require('../tests/fake-tfe');

const { values } = parseArgs({ options: { port: { type: 'string', default: process.env.DEMO_PORT ?? '7007' } } });

async function main() {
  const org = generateOrganization({ name: 'acme', workspaces: 42, seed: 2026 });
  const token = `demo-${Math.random().toString(36).slice(2)}`;
  const fake = await startFakeTfe({ organizations: [org], tokens: { [token]: ['acme'] } });
  process.env.FAKE_TFE_URL = fake.url;
  process.env.TFE_TOKEN = token;
  process.env.DEMO_PORT = values.port;
  process.argv.push('--config', path.join(__dirname, 'app-config.yaml'));

  const { createBackend } = require('@backstage/backend-defaults');
  const backend = createBackend();
  backend.add(require('@backstage/plugin-catalog-backend'));
  backend.add(require('@tfe-catalog/backstage-plugin-terraform-backend'));
  await backend.start();

  const base = `http://localhost:${values.port}`;
  const sample = org.workspaces[0].attributes.name;
  console.log(`
tfe-catalog demo is running: Backstage at ${base}, a fake TFE organization "acme" (${org.workspaces.length} workspaces) at ${fake.url}.
The first sync runs now; entities appear within a few seconds. Try:

  curl -s '${base}/api/catalog/entities?filter=kind=resource' | head -c 2000
  curl -s '${base}/api/catalog/entities/by-name/resource/acme/${sample}'
  curl -s '${base}/api/catalog/entity-facets?facet=metadata.annotations.terraform.io/run-status-bucket'
  curl -s '${base}/api/terraform/health'

Press Ctrl-C to stop.
DEMO_READY ${base}`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
