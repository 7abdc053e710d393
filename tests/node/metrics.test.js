'use strict';
// OpenTelemetry metrics of syncs, per organization, as an app with an OpenTelemetry SDK sees them.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { metrics } = require('@opentelemetry/api');
const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');

class InMemoryReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
const reader = new InMemoryReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const { startFakeTfe, generateOrganization } = require('../fake-tfe');
const { databaseIds, startBackstage, eventually } = require('./backstage');

async function points(name) {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap(s => s.metrics).find(m => m.descriptor.name === name);
  return metric?.dataPoints ?? [];
}

test('syncs report duration, entities, requests, 429s, retries and failures per organization', async t => {
  const org = generateOrganization({ name: 'acme', workspaces: 150, seed: 4 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { 'tok-acme': ['acme'] } });
  const { backend } = await startBackstage({
    databaseId: databaseIds()[0],
    config: { terraform: { organizations: [{ baseUrl: fake.url, allowInsecureHttp: true, organization: 'acme', token: 'tok-acme', schedule: { frequency: { seconds: 2 }, timeout: { minutes: 1 } }, retry: { maxAttempts: 1 } }] } },
  });
  t.after(async () => {
    await backend.stop();
    await fake.close();
  });
  const entities = await eventually(async () => (await points('terraform.sync.entities'))[0], { what: 'an entities gauge' });
  assert.equal(entities.value, 150 + org.projects.length + org.modules.length);
  assert.deepEqual(entities.attributes, { organization: 'acme', host: new URL(fake.url).host });
  const requests = (await points('terraform.sync.requests'))[0];
  assert.ok(requests.value >= 5, `ping, projects, modules, two workspace pages: ${requests.value}`);

  fake.tokens.delete('tok-acme');
  const failures = await eventually(async () => (await points('terraform.sync.failures'))[0], { what: 'a failure counted' });
  assert.equal(failures.attributes.organization, 'acme');
  assert.ok(failures.value >= 1);
  const durations = await points('terraform.sync.duration');
  assert.deepEqual(durations.map(d => d.attributes.outcome).sort(), ['failure', 'success']);
});
