'use strict';
// `tfe-catalog sync --format yaml` against the fake TFE writes a catalog-info.yaml that a real
// Backstage backend ingests through a `file` location.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually, queryEntities } = require('./backstage');

const CLI = path.join(__dirname, '../../target/debug/tfe-catalog');

function tfeCatalog(args, env) {
  return new Promise((resolve, reject) => {
    execFile(CLI, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }));
  });
}

test('sync writes YAML that Backstage ingests from a file location', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 120, seed: 21 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { 'tok-acme': ['acme'] } });
  t.after(() => fake.close());
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-catalog-')), 'catalog-info.yaml');
  const { stderr } = await tfeCatalog(
    ['sync', '--url', fake.url, '--allow-insecure-http', '--org', 'acme', '--token-env', 'TFE_TOKEN', '--format', 'yaml', '--out', out, '--owner', 'team-platform', '--stats'],
    { TFE_TOKEN: 'tok-acme' },
  );
  const stats = JSON.parse(stderr.trim().split('\n').pop());
  assert.equal(stats.entities, 120 + org.projects.length + org.modules.length);
  assert.equal(stats.planner.requests, 1 + 2 + 1 + 1, 'ping, two workspace pages, one page each of projects and modules');
  assert.ok(!fs.readFileSync(out, 'utf8').includes('tok-acme'));

  // A bad token: a clear error, a failure, and nothing written.
  const failed = path.join(path.dirname(out), 'not-written.yaml');
  await assert.rejects(
    tfeCatalog(['sync', '--url', fake.url, '--allow-insecure-http', '--org', 'acme', '--token-env', 'TFE_TOKEN', '--format', 'yaml', '--out', failed], { TFE_TOKEN: 'wrong' }),
    e => /TFE rejected the token for organization acme \(401/.test(e.stderr) && !e.stderr.includes('wrong'),
  );
  assert.ok(!fs.existsSync(failed));

  const { backend, baseUrl } = await startBackstage({
    databaseId: databaseIds()[0],
    config: {
      catalog: {
        processingInterval: { seconds: 1 },
        locations: [{ type: 'file', target: out, rules: [{ allow: ['Component', 'System', 'Resource'] }] }],
      },
    },
  });
  t.after(() => backend.stop());
  const resources = await eventually(async () => {
    const items = await queryEntities(baseUrl, { kind: 'resource', namespace: 'acme' });
    return items.length === 120 && items;
  }, { what: '120 resources from the YAML file' });
  assert.ok(resources.every(r => r.relations.some(rel => rel.type === 'partOf' && rel.targetRef.startsWith('system:acme/'))));
  assert.equal((await queryEntities(baseUrl, { kind: 'system', namespace: 'acme' })).length, org.projects.length);
  assert.equal((await queryEntities(baseUrl, { kind: 'component', namespace: 'acme' })).length, org.modules.length);
});
