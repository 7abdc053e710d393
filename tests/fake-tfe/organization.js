'use strict';
// The data of a fake TFE organization: generated (seeded, deterministic, any size) or loaded from
// a directory of JSON:API documents (for example a case of tests/corpus).

const fs = require('node:fs');
const path = require('node:path');

/** mulberry32: a small seeded PRNG, so that one seed always gives the same organization. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TEAMS = ['payments', 'identity', 'search', 'platform', 'data', 'mobile', 'checkout', 'growth'];
const COMPONENTS = ['network', 'database', 'cache', 'queue', 'cluster', 'cdn', 'dns', 'storage', 'iam'];
const ENVS = ['dev', 'staging', 'prod'];
// Weighted towards what real organizations show: mostly applied or planned-and-finished.
const STATUSES = [
  'applied', 'applied', 'applied', 'applied', 'planned_and_finished', 'planned_and_finished',
  'errored', 'planned', 'policy_override', 'planning', 'applying', 'canceled', 'discarded',
  'pending', 'post_plan_awaiting_decision',
];

function makeId(prefix, rand) {
  let s = prefix + '-';
  for (let i = 0; i < 16; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

/** A run resource in TFE's shape. */
function runResource({ id, workspaceId, status, at, message, autoApply = false }) {
  const key = `${status.replace(/_/g, '-')}-at`;
  return {
    id,
    type: 'runs',
    attributes: {
      actions: { 'is-cancelable': false, 'is-confirmable': status === 'planned', 'is-discardable': false },
      'auto-apply': autoApply,
      'canceled-at': null,
      'created-at': at,
      'has-changes': true,
      'is-destroy': false,
      message,
      'plan-only': false,
      source: 'tfe-api',
      status,
      'status-timestamps': { 'plan-queueable-at': at, [key]: at },
      'terraform-version': '1.9.5',
      'trigger-reason': 'manual',
    },
    relationships: {
      workspace: { data: { id: workspaceId, type: 'workspaces' } },
      plan: { data: { id: id.replace('run-', 'plan-'), type: 'plans' } },
      apply: { data: { id: id.replace('run-', 'apply-'), type: 'applies' } },
      'created-by': { data: { id: 'user-FakeTfe000000001', type: 'users' } },
    },
    links: { self: `/api/v2/runs/${id}` },
  };
}

/** A workspace resource in TFE's shape. */
function workspaceResource({ id, name, org, runId, tags, description, repo, workingDirectory, projectId, autoApply }) {
  return {
    id,
    type: 'workspaces',
    attributes: {
      'auto-apply': autoApply,
      'created-at': '2025-06-01T10:00:00.000Z',
      description,
      environment: 'default',
      'execution-mode': 'remote',
      locked: false,
      name,
      'resource-count': 10,
      source: 'tfe-api',
      'source-name': null,
      'source-url': null,
      'tag-names': tags,
      'terraform-version': '1.9.5',
      'updated-at': '2026-11-20T10:00:00.000Z',
      'vcs-repo': repo
        ? {
            branch: 'main',
            identifier: repo,
            'display-identifier': repo,
            'repository-http-url': `https://github.com/${repo}`,
            'service-provider': 'github',
          }
        : null,
      'vcs-repo-identifier': repo,
      'working-directory': workingDirectory,
    },
    relationships: {
      organization: { data: { id: org, type: 'organizations' } },
      'current-run': runId ? { data: { id: runId, type: 'runs' } } : { data: null },
      'latest-run': runId ? { data: { id: runId, type: 'runs' } } : { data: null },
      project: { data: { id: projectId, type: 'projects' } },
      'tag-bindings': { links: { related: `/api/v2/workspaces/${id}/tag-bindings` } },
    },
    links: { self: `/api/v2/organizations/${org}/workspaces/${name}`, 'self-html': `/app/${org}/workspaces/${name}` },
  };
}

/** A project resource in TFE's shape. */
function projectResource({ id, name, org, description = null }) {
  return {
    id,
    type: 'projects',
    attributes: { name, description, 'created-at': '2025-01-01T00:00:00.000Z', 'workspace-count': 0, 'team-count': 1 },
    relationships: { organization: { data: { id: org, type: 'organizations' } } },
    links: { self: `/api/v2/projects/${id}` },
  };
}

/** A private registry module resource in TFE's shape. */
function moduleResource({ id, name, provider, org, versions }) {
  return {
    id,
    type: 'registry-modules',
    attributes: {
      name, namespace: org, provider, 'registry-name': 'private', status: 'setup_complete',
      'version-statuses': versions.map(version => ({ version, status: 'ok' })),
      'vcs-repo': {
        branch: '', identifier: `${org}/terraform-${provider}-${name}`,
        'repository-http-url': `https://github.com/${org}/terraform-${provider}-${name}`, 'service-provider': 'github',
      },
      'created-at': '2025-02-01T00:00:00.000Z', 'updated-at': '2026-10-01T00:00:00.000Z',
    },
    relationships: { organization: { data: { id: org, type: 'organizations' } } },
    links: { self: `/api/v2/registry-modules/private/${org}/${name}/${provider}` },
  };
}

/**
 * An organization with `workspaces` generated workspaces, one project per 25 workspaces and one
 * registry module per 50 (blueprints that about a third of the workspaces instantiate). The same (name, workspaces, seed) always
 * gives the same data.
 */
function generateOrganization({ name, workspaces = 10, seed = 1 }) {
  const rand = prng(seed);
  const org = { name, workspaces: [], runs: new Map(), projects: [], modules: [] };
  const projects = Array.from({ length: Math.max(1, Math.ceil(workspaces / 25)) }, () => makeId('prj', rand));
  projects.forEach((id, i) => {
    const label = i === 0 ? 'Default Project' : `${TEAMS[i % TEAMS.length][0].toUpperCase()}${TEAMS[i % TEAMS.length].slice(1)} Platform ${i}`;
    org.projects.push(projectResource({ id, name: label, org: name, description: i % 2 ? `Workspaces of ${label}` : null }));
  });
  for (let i = 0; i < Math.max(1, Math.ceil(workspaces / 50)); i++) {
    const component = COMPONENTS[i % COMPONENTS.length];
    const moduleName = i < COMPONENTS.length ? component : `${component}-${i}`;
    org.modules.push(moduleResource({
      id: makeId('mod', rand), name: moduleName, provider: ['aws', 'google', 'azurerm'][i % 3], org: name,
      versions: ['1.0.0', `1.${1 + (i % 4)}.0`],
    }));
  }
  for (let i = 0; i < workspaces; i++) {
    const team = pick(rand, TEAMS);
    const id = makeId('ws', rand);
    const wsName = `${team}-${pick(rand, COMPONENTS)}-${pick(rand, ENVS)}-${String(i).padStart(5, '0')}`;
    const hasRun = rand() < 0.92;
    const runId = hasRun ? makeId('run', rand) : null;
    const day = 1 + Math.floor(rand() * 20);
    const at = `2026-11-${String(day).padStart(2, '0')}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:00:00+00:00`;
    const autoApply = rand() < 0.3;
    if (runId) {
      org.runs.set(runId, runResource({
        id: runId, workspaceId: id, status: pick(rand, STATUSES), at, autoApply,
        message: `Deploy ${team} change #${Math.floor(rand() * 1000)}`,
      }));
    }
    org.workspaces.push(workspaceResource({
      id, name: wsName, org: name, runId, autoApply,
      tags: [
        team, `env:${wsName.split('-')[2]}`,
        ...(rand() < 0.2 ? ['Cost_Center=42'] : []),
        ...(rand() < 0.35 ? [`blueprint:${pick(rand, org.modules).attributes.name}`] : []),
        ...(rand() < 0.25 ? [`owner:team-${team}`] : []),
      ],
      description: rand() < 0.7 ? `${team} infrastructure` : null,
      repo: rand() < 0.8 ? `${name}/${team}-infra` : null,
      workingDirectory: rand() < 0.5 ? `envs/${wsName.split('-')[2]}` : '',
      projectId: pick(rand, projects),
    }));
  }
  return org;
}

/** An organization made of the workspaces and runs found in a directory of JSON:API documents. */
function loadOrganization(dir, name) {
  const org = { name, workspaces: [], runs: new Map(), projects: [], modules: [] };
  const seen = new Set();
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const data = Array.isArray(doc.data) ? doc.data : doc.data ? [doc.data] : [];
    for (const r of [...data, ...(doc.included ?? [])]) {
      if (r.type === 'runs') org.runs.set(r.id, r);
      if (r.type === 'projects' && !seen.has(r.id)) org.projects.push(r);
      if (r.type === 'registry-modules' && !seen.has(r.id)) org.modules.push(r);
      seen.add(r.id);
      if (r.type === 'workspaces' && !org.workspaces.some(w => w.id === r.id)) {
        org.name ??= r.relationships?.organization?.data?.id;
        org.workspaces.push(r);
      }
    }
  }
  return org;
}

module.exports = {
  generateOrganization, loadOrganization, runResource, workspaceResource, projectResource, moduleResource, prng, makeId,
};
