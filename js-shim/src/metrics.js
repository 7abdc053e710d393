'use strict';
// OpenTelemetry metrics of the syncs, per organization. Backstage apps that set up an
// OpenTelemetry SDK (as Backstage's docs describe) export them; without one they cost nothing.
//
// Through `@opentelemetry/api` with Backstage's own range (^1.9.0), so the app's package manager
// resolves one copy for Backstage, the app's SDK and this plugin: the API hands a meter provider
// registered through an older minor version only to callers of that version or older, and a
// second, newer copy would silently get a no-op meter. Backstage's metrics service
// (`metricsServiceRef`) is still alpha and has no default factory in backend-plugin-api, so a
// plugin that required it would fail to start in backends that do not register it.

const { metrics } = require('@opentelemetry/api');

let instruments;

/** Created at first use: the metrics API has no proxy, so the app's SDK must be registered first. */
function getInstruments() {
  if (instruments) return instruments;
  const meter = metrics.getMeter('@tfe-catalog/backstage-plugin-terraform-backend');
  instruments = {
    duration: meter.createHistogram('terraform.sync.duration', { unit: 's', description: 'Duration of a sync' }),
    entities: meter.createGauge('terraform.sync.entities', { description: 'Entities in the last complete snapshot' }),
    requests: meter.createCounter('terraform.sync.requests', { description: 'Requests made to TFE' }),
    rateLimited: meter.createCounter('terraform.sync.rate_limited', { description: '429 answers from TFE' }),
    retries: meter.createCounter('terraform.sync.retries', { description: 'Requests repeated after a 429, 5xx or network error' }),
    failures: meter.createCounter('terraform.sync.failures', { description: 'Syncs that failed and changed nothing' }),
  };
  return instruments;
}

/** Records one sync: `stats` from the core, `entities` only when it completed. */
function recordSync({ organization, host, seconds, stats, entities }) {
  const instruments = getInstruments();
  const attributes = { organization, host };
  instruments.duration.record(seconds, { ...attributes, outcome: entities === undefined ? 'failure' : 'success' });
  if (stats) {
    instruments.requests.add(stats.requests, attributes);
    instruments.rateLimited.add(stats.rateLimited, attributes);
    instruments.retries.add(stats.retries, attributes);
  }
  if (entities === undefined) instruments.failures.add(1, attributes);
  else instruments.entities.record(entities, attributes);
}

module.exports = { recordSync };
