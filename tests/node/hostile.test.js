'use strict';
// Generated hostile input (long, unicode, colliding, upper-case, tag-unsafe names) through the core
// the plugin runs: every entity must pass Backstage's validators, and names must stay unique per
// kind and namespace, case-insensitively, as the catalog requires.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const core = require('../../js-shim/src/core');
const { prng } = require('../fake-tfe');
const { validateEntity } = require('./validators');

const PIECES = ['Prod', 'prod', 'PROD', 'ünïcødé', '日本語', '_', '-', '.', 'a'.repeat(70), 'x y', 'Team=Ops', 'v1.2', '@', '#'];

function hostileOrganization(seed) {
  const rand = prng(seed);
  const pick = list => list[Math.floor(rand() * list.length)];
  const name = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(PIECES)).join(pick(['', '-', '_', ' ']));
  const org = { organization: { data: { id: 'Hostile_Org', type: 'organizations' } } };
  const projects = Array.from({ length: 40 }, (_, i) => ({
    id: `prj-H${String(i).padStart(15, '0')}`, type: 'projects', attributes: { name: name() }, relationships: org,
  }));
  const modules = Array.from({ length: 20 }, (_, i) => ({
    id: `mod-H${String(i).padStart(15, '0')}`, type: 'registry-modules', relationships: org,
    attributes: { name: name().replace(/\s/g, ''), namespace: pick(['Hostile_Org', 'other']), provider: pick(['aws', 'AWS', 'g.o']), 'version-statuses': [] },
  }));
  const workspaces = Array.from({ length: 300 }, (_, i) => ({
    id: `ws-H${String(i).padStart(15, '0')}`, type: 'workspaces',
    attributes: { name: name(), 'tag-names': Array.from({ length: 4 }, () => name()).concat([`blueprint:${pick(modules).attributes.name}`, `owner:${name()}`]) },
    relationships: { ...org, project: { data: { id: pick(projects).id, type: 'projects' } } },
  }));
  const doc = data => ({ name: 'hostile.json', text: JSON.stringify({ data }) });
  return [doc(projects), doc(modules), doc(workspaces)];
}

for (const seed of [1, 2, 3]) {
  test(`hostile organization ${seed}: valid, unique entities`, async () => {
    const entities = JSON.parse(core.mapDocuments({ documents: hostileOrganization(seed), options: { namespace: 'hostile' } }));
    assert.equal(entities.length, 40 + 20 + 300);
    const seen = new Set();
    for (const entity of entities) {
      await validateEntity(entity);
      const key = `${entity.kind}:${entity.metadata.namespace}/${entity.metadata.name}`.toLowerCase();
      assert.ok(!seen.has(key), `duplicate ${key}`);
      seen.add(key);
    }
    // Every ref the core emits points at an entity it emitted.
    for (const entity of entities) {
      for (const ref of [entity.spec.system, ...(entity.spec.dependsOn ?? [])].filter(Boolean)) {
        assert.ok(seen.has(ref), `${ref} dangles`);
      }
    }
  });
}
