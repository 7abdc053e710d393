'use strict';
// The demo: a real Backstage backend (createBackend, the catalog backend, this plugin) syncing an
// embedded sample TFE organization served by the project's fake TFE. Prints what to curl.
//   node demo/start.js [--port 7007]
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
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
  const webhookToken = `demo-hook-${crypto.randomBytes(12).toString('hex')}`;
  process.env.TFE_WEBHOOK_TOKEN = webhookToken;
  process.env.DEMO_PORT = values.port;
  // A service running on one of the workspaces, annotated as the GlobalLogic card expects.
  const sample = org.workspaces.find(w => w.relationships['current-run'].data).attributes.name;
  const catalogFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-catalog-demo-')), 'catalog-info.yaml');
  fs.writeFileSync(catalogFile, [
    'apiVersion: backstage.io/v1alpha1', 'kind: Component',
    `metadata: {name: payments, annotations: {terraform/organization: acme, terraform/workspace: ${sample}}}`,
    'spec: {type: service, lifecycle: production, owner: group:default/platform-team}', '',
  ].join('\n'));
  process.env.DEMO_CATALOG_FILE = catalogFile;
  process.argv.push('--config', path.join(__dirname, 'app-config.yaml'));

  const { createBackend } = require('@backstage/backend-defaults');
  const backend = createBackend();
  backend.add(require('@backstage/plugin-catalog-backend'));
  backend.add(require('@tfe-catalog/backstage-plugin-terraform-backend'));
  // The entity page of js-frontend's dev app: our cards beside the GlobalLogic card.
  backend.add(await require('../tests/browser/harness').devAppFeature());
  await backend.start();

  const base = `http://localhost:${values.port}`;
  const template = org.modules[0].attributes;
  console.log(`
tfe-catalog demo is running: Backstage at ${base}, a fake TFE organization "acme" (${org.workspaces.length} workspaces) at ${fake.url}.
The first sync runs now; entities appear within a few seconds. Open in a browser:

  ${base}/catalog/default/component/payments          (a service: our card and the GlobalLogic card)
  ${base}/catalog/default/component/payments/terraform-runs   (GlobalLogic's runs table, plan logs)
  ${base}/catalog/acme/resource/${sample}
  ${base}/catalog/acme/component/${template.name}-${template.provider}   (a blueprint and its instances)

or curl:

  curl -s '${base}/api/catalog/entities?filter=kind=resource' | head -c 2000
  curl -s '${base}/api/catalog/entities/by-name/resource/acme/${sample}'
  curl -s '${base}/api/catalog/entity-facets?facet=metadata.annotations.terraform.io/run-status-bucket'
  curl -s '${base}/api/terraform/entity/component/default/payments/status'
  curl -s '${base}/api/catalog/entities?filter=metadata.annotations.terraform.io/health=failure&fields=kind,metadata.name'
  curl -s '${base}/api/catalog/entities?filter=metadata.annotations.terraform.io/blueprint-outdated=true&fields=kind,metadata.name'
  curl -s '${base}/api/terraform/health'

Send a signed test notification (as TFE's "Send a test" does; the webhook token is ${webhookToken}):

  body='{"payload_version":1,"notification_configuration_id":"nc-demo","run_url":null,"run_id":null,"run_message":null,"run_created_at":null,"run_created_by":null,"workspace_id":null,"workspace_name":null,"organization_name":null,"notifications":[{"message":"Verification of demo","trigger":"verification","run_status":null,"run_updated_at":null,"run_updated_by":null}]}'
  sig=$(printf '%s' "$body" | openssl dgst -sha512 -hmac '${webhookToken}' | sed 's/^.* //')
  curl -s -X POST -H 'Content-Type: application/json' -H "X-TFE-Notification-Signature: $sig" --data "$body" '${base}/api/terraform/notifications/acme'

An unsigned one is refused (401): the same curl without the signature header.

Press Ctrl-C to stop.
DEMO_READY ${base}`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
