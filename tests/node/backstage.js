'use strict';
// A real Backstage backend for tests: the real catalog backend, Backstage's real (database-backed)
// scheduler, and this package, on SQLite or on the PostgreSQL server named by
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
const { after } = require('node:test');

// backend-test-utils registers cleanup with Jest's global afterAll(); give it node:test's.
globalThis.afterAll ??= fn => after(fn);

const { startTestBackend, mockServices, TestDatabases } = require('@backstage/backend-test-utils');
const { coreServices, createServiceFactory } = require('@backstage/backend-plugin-api');
const { schedulerServiceFactory } = require('@backstage/backend-defaults/scheduler');
const { eventsServiceFactory } = require('@backstage/plugin-events-node');
const catalogPlugin = require('@backstage/plugin-catalog-backend').default;
const terraformFeatures = require('../../js-shim/src/index.js').default;

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

/** The database ids this run covers: SQLite always, PostgreSQL when a server is configured. */
function databaseIds() {
  return [...databases.eachSupportedId()].map(([id]) => id);
}

/** A new, empty database of the kind `databaseId` names. */
function newDatabase(databaseId) {
  return databases.init(databaseId);
}

/**
 * Plugins share one database in these tests; those named in `own` get theirs (as each plugin does
 * in a real deployment), for plugins whose migrations would collide with the catalog's.
 */
function databaseFactory(knex, own) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => ({ getClient: async () => own[plugin.getId()] ?? knex }),
  });
}

/**
 * A backend; pass `knex` of another to start a second replica over the same database, and
 * `pluginDatabases` ({pluginId: knex}) to give plugins databases of their own.
 */
async function startBackstage({ databaseId, config, features = [], knex: shared, pluginDatabases }) {
  const knex = shared ?? (await databases.init(databaseId));
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      terraformFeatures,
      schedulerServiceFactory,
      eventsServiceFactory,
      pluginDatabases ? databaseFactory(knex, pluginDatabases) : mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: { catalog: { processingInterval: { seconds: 1 } }, ...config },
      }),
      ...features,
    ],
  });
  const baseUrl = `http://localhost:${backend.server.address().port}`;
  // The catalog's processing engine schedules its orphan cleanup from a startup hook without waiting:
  // the scheduler then migrates its tables, registers a shutdown hook and starts a worker. A backend
  // stopped before that lands (slow on PostgreSQL) rejects after its test has ended ("Attempted to add
  // shutdown hook after shutdown", or a query aborted when the test database is dropped), so a test
  // gets its backend once the catalog's scheduled task is there.
  await eventually(
    async () => (await getJson(`${baseUrl}/api/catalog/.backstage/scheduler/v1/tasks`)).tasks
      .some(t => t.taskId === 'catalog_orphan_cleanup'),
    { what: "the catalog's scheduled orphan cleanup" },
  );
  return { backend, baseUrl, knex };
}

/** Polls `probe` until it returns a truthy value. */
async function eventually(probe, { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

async function getJson(url, init) {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${res.status} from ${url}`);
  return res.json();
}

/** Every entity of a kind in a namespace, through the catalog's paginated query API. */
async function queryEntities(baseUrl, { kind, namespace }) {
  const items = [];
  let cursor;
  do {
    const q = cursor
      ? `cursor=${encodeURIComponent(cursor)}`
      : `filter=kind=${kind},metadata.namespace=${namespace}&limit=500`;
    const page = await getJson(`${baseUrl}/api/catalog/entities/by-query?${q}`);
    items.push(...page.items);
    cursor = page.pageInfo?.nextCursor;
  } while (cursor);
  return items;
}

module.exports = { databaseIds, newDatabase, startBackstage, eventually, getJson, queryEntities };
