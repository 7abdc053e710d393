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

/** FNV-1a of a string: seeds the per-resource PRNG that fills the attributes no test names. */
function hashString(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** An ISO timestamp `minutes` before `at` (milliseconds kept, as TFE writes them). */
function before(at, minutes) {
  return new Date(Date.parse(at) - minutes * 60_000).toISOString();
}

const PERMISSION_KEYS = {
  workspaces: [
    'can-update', 'can-destroy', 'can-queue-run', 'can-read-run', 'can-read-variable', 'can-update-variable',
    'can-read-state-versions', 'can-read-state-outputs', 'can-create-state-versions', 'can-queue-apply', 'can-lock',
    'can-unlock', 'can-force-unlock', 'can-read-settings', 'can-manage-tags', 'can-manage-run-tasks',
    'can-force-delete', 'can-manage-assessments', 'can-manage-ephemeral-workspaces', 'can-read-assessment-results',
    'can-queue-destroy', 'can-manage-workspace-change-requests',
  ],
  runs: ['can-apply', 'can-cancel', 'can-comment', 'can-discard', 'can-force-execute', 'can-force-cancel', 'can-override-policy-check'],
  projects: [
    'can-read', 'can-update', 'can-destroy', 'can-create-workspace', 'can-move-workspace', 'can-move-stack',
    'can-deploy-no-code-modules', 'can-read-teams', 'can-manage-tags', 'can-manage-teams', 'can-manage-in-hcp',
    'can-manage-ephemeral-workspace-for-projects', 'can-manage-varsets',
  ],
};
const permissions = kind => Object.fromEntries(PERMISSION_KEYS[kind].map(k => [k, true]));

/**
 * A run resource in TFE's shape, with every attribute and relationship TFE sends (about 2.5 KB).
 * The values no test reads come from a PRNG seeded by the id, so callers pass only what matters.
 */
function runResource({ id, workspaceId, status, at, message, autoApply = false }) {
  const x = prng(hashString(id));
  const key = `${status.replace(/_/g, '-')}-at`;
  const queued = before(at, 3 + Math.floor(x() * 20));
  const suffix = id.slice(4);
  return {
    id,
    type: 'runs',
    attributes: {
      actions: {
        'is-cancelable': false, 'is-confirmable': status === 'planned', 'is-discardable': status === 'planned',
        'is-force-cancelable': false,
      },
      'allow-config-generation': false,
      'allow-empty-apply': false,
      'auto-apply': autoApply,
      'canceled-at': null,
      'created-at': at,
      'has-changes': true,
      'invoke-action-addrs': null,
      'is-destroy': false,
      message,
      'plan-only': false,
      'position-in-queue': 0,
      refresh: true,
      'refresh-only': false,
      'replace-addrs': null,
      'save-plan': false,
      source: 'tfe-api',
      'status-timestamps': {
        'plan-queueable-at': queued, 'plan-queued-at': queued, 'planning-at': before(at, 2), 'planned-at': before(at, 1),
        [key]: at,
      },
      status,
      'target-addrs': null,
      'trigger-reason': 'manual',
      'terraform-version': '1.9.5',
      'updated-at': at,
      permissions: permissions('runs'),
      variables: [],
    },
    relationships: {
      workspace: { data: { id: workspaceId, type: 'workspaces' } },
      apply: { data: { id: id.replace('run-', 'apply-'), type: 'applies' }, links: { related: `/api/v2/runs/${id}/apply` } },
      'configuration-version': {
        data: { id: `cv-${suffix}`, type: 'configuration-versions' },
        links: { related: `/api/v2/runs/${id}/configuration-version` },
      },
      'confirmed-by': { data: null },
      'created-by': { data: { id: 'user-FakeTfe000000001', type: 'users' }, links: { related: `/api/v2/runs/${id}/created-by` } },
      'cost-estimate': { data: { id: `ce-${suffix}`, type: 'cost-estimates' }, links: { related: `/api/v2/cost-estimates/ce-${suffix}` } },
      plan: { data: { id: id.replace('run-', 'plan-'), type: 'plans' }, links: { related: `/api/v2/runs/${id}/plan` } },
      'run-events': { data: [{ id: `re-${suffix}`, type: 'run-events' }], links: { related: `/api/v2/runs/${id}/run-events` } },
      'task-stages': { data: [], links: { related: `/api/v2/runs/${id}/task-stages` } },
      'policy-checks': { data: [], links: { related: `/api/v2/runs/${id}/policy-checks` } },
      comments: { data: [], links: { related: `/api/v2/runs/${id}/comments` } },
    },
    links: { self: `/api/v2/runs/${id}` },
  };
}

/**
 * A workspace resource in TFE's shape, with every attribute and relationship TFE sends (about
 * 3.7 KB). The values no test reads (resource count, lock, assessments, outputs, ...) come from a
 * PRNG seeded by the id, so the organization's own PRNG sequence, and every name, stays as it was.
 */
function workspaceResource({ id, name, org, runId, tags, description, repo, workingDirectory, projectId, autoApply }) {
  const x = prng(hashString(id));
  const suffix = id.slice(3);
  const updatedAt = '2026-11-20T10:00:00.000Z';
  const assessments = x() < 0.4;
  const locked = x() < 0.05;
  const outputs = Array.from({ length: Math.floor(x() * 8) }, (_, i) => ({ id: `wsout-${suffix.slice(0, 12)}${String(i).padStart(4, '0')}`, type: 'workspace-outputs' }));
  const hasState = runId != null;
  const resourceCount = hasState ? 1 + Math.floor(x() * 250) : 0;
  const latestChangeAt = before(updatedAt, Math.floor(x() * 60 * 24 * 30));
  const related = path => ({ links: { related: `/api/v2/workspaces/${id}/${path}` } });
  const toOne = (data, path) => ({ data, ...(path ? related(path) : {}) });
  return {
    id,
    type: 'workspaces',
    attributes: {
      actions: { 'is-destroyable': true },
      'allow-destroy-plan': true,
      'apply-duration-average': hasState ? 30_000 + Math.floor(x() * 200_000) : null,
      'assessments-enabled': assessments,
      'auto-apply': autoApply,
      'auto-apply-run-trigger': false,
      'auto-destroy-activity-duration': null,
      'auto-destroy-at': null,
      'auto-destroy-status': null,
      'created-at': '2025-06-01T10:00:00.000Z',
      description,
      environment: 'default',
      'execution-mode': 'remote',
      'file-triggers-enabled': true,
      'global-remote-state': false,
      'hyok-enabled': false,
      'inherits-project-auto-destroy': true,
      'last-assessment-result-at': assessments && hasState ? before(updatedAt, Math.floor(x() * 60 * 24)) : null,
      'last-updated': updatedAt,
      'latest-change-at': latestChangeAt,
      locked,
      'locked-reason': locked ? 'Locked for a maintenance window' : '',
      name,
      operations: true,
      permissions: permissions('workspaces'),
      'plan-duration-average': hasState ? 10_000 + Math.floor(x() * 90_000) : null,
      'policy-check-failures': null,
      'queue-all-runs': false,
      'resource-count': resourceCount,
      'run-failures': Math.floor(x() * 4),
      'setting-overwrites': { 'execution-mode': false, 'agent-pool': false },
      source: 'tfe-api',
      'source-name': null,
      'source-url': null,
      'speculative-enabled': true,
      'structured-run-output-enabled': true,
      'tag-names': tags,
      'terraform-version': '1.9.5',
      'trigger-patterns': [],
      'trigger-prefixes': [],
      'unarchived-workspace-change-requests-count': 0,
      'updated-at': updatedAt,
      'vcs-repo': repo
        ? {
            branch: 'main',
            'display-identifier': repo,
            identifier: repo,
            'ingress-submodules': false,
            'oauth-token-id': 'ot-FakeTfe000000001',
            'repository-http-url': `https://github.com/${repo}`,
            'service-provider': 'github',
            'tags-regex': null,
            'webhook-url': `https://app.terraform.io/webhooks/vcs/${suffix}-7c1e-4bd5-9f1a-${suffix.slice(0, 12).toLowerCase()}`,
          }
        : null,
      'vcs-repo-identifier': repo,
      'working-directory': workingDirectory,
      'workspace-kpis-runs-count': hasState ? 1 + Math.floor(x() * 400) : 0,
    },
    relationships: {
      organization: { data: { id: org, type: 'organizations' } },
      'current-run': runId ? { data: { id: runId, type: 'runs' } } : { data: null },
      'latest-run': runId ? { data: { id: runId, type: 'runs' } } : { data: null },
      outputs: { data: outputs, ...related('current-state-version-outputs') },
      'remote-state-consumers': related('relationships/remote-state-consumers'),
      'current-state-version': hasState
        ? toOne({ id: `sv-${suffix}`, type: 'state-versions' }, 'current-state-version')
        : { data: null },
      'current-configuration-version': hasState
        ? toOne({ id: `cv-${suffix}`, type: 'configuration-versions' }, 'current-configuration-version')
        : { data: null },
      'agent-pool': { data: null },
      readme: { data: repo ? { id: String(100000 + (hashString(id) % 900000)), type: 'workspace-readme' } : null },
      project: { data: { id: projectId, type: 'projects' } },
      'current-assessment-result': assessments && hasState
        ? { data: { id: `asmtres-${suffix}`, type: 'assessment-results' } }
        : { data: null },
      vars: { data: [] },
      'locked-by': locked ? { data: { id: 'user-FakeTfe000000001', type: 'users' }, links: { related: `/api/v2/users/user-FakeTfe000000001` } } : { data: null },
      'tag-bindings': related('tag-bindings'),
      'effective-tag-bindings': related('effective-tag-bindings'),
    },
    links: { self: `/api/v2/organizations/${org}/workspaces/${name}`, 'self-html': `/app/${org}/workspaces/${name}` },
  };
}

/** Outputs a generated workspace's state may have: name, type, sensitive, and a value maker. */
const OUTPUT_KINDS = [
  ['url', 'string', false, (ws, x) => `https://${ws.attributes.name}.apps.example.com`],
  ['console_url', 'string', false, (ws, x) => `https://console.example.com/${ws.attributes.name}`],
  ['backstage_link_grafana', 'string', false, (ws, x) => `https://grafana.example.com/d/${ws.id.slice(3, 11).toLowerCase()}`],
  ['vpc_id', 'string', false, (ws, x) => `vpc-0${Math.floor(x() * 0xfffffff).toString(16)}`],
  ['subnet_ids', 'array', false, (ws, x) => Array.from({ length: 3 }, () => `subnet-0${Math.floor(x() * 0xfffffff).toString(16)}`)],
  ['db_endpoint', 'string', false, (ws, x) => `${ws.attributes.name}.cluster-c${Math.floor(x() * 1e9)}.eu-west-1.rds.amazonaws.com:5432`],
  ['db_password', 'string', true, (ws, x) => `generated-secret-${Math.floor(x() * 1e12)}`],
  ['tags', 'object', false, (ws, x) => ({ team: ws.attributes.name.split('-')[0], managed_by: 'terraform' })],
];

/**
 * The `workspace-outputs` resource of a generated workspace's output id, in TFE's shape (sensitive
 * values stay in `secretValue`, which the server never sends unless a fault says so).
 */
function outputResource(ws, outputId, index, org) {
  const x = prng(hashString(outputId));
  const [name, type, sensitive, value] = OUTPUT_KINDS[index % OUTPUT_KINDS.length];
  const v = value(ws, x);
  return {
    id: outputId,
    type: 'workspace-outputs',
    attributes: {
      name, sensitive, 'output-type': type,
      'detailed-type': type === 'array' ? ['list', 'string'] : type === 'object' ? ['object', { team: 'string', managed_by: 'string' }] : type,
      value: sensitive ? null : v,
      'workspace-attributes': { id: ws.id, name: ws.attributes.name },
      'organization-attributes': { id: `org-${ws.id.slice(3, 19)}`, name: org },
    },
    links: { self: `/api/v2/workspace-outputs/${outputId}` },
    ...(sensitive ? { secretValue: v } : {}),
  };
}

const SENDERS = ['octocat', 'hubot', 'monalisa', 'jdoe', 'asmith'];

/**
 * A run's configuration version, and its ingress attributes when the workspace is VCS-driven
 * (commit, branch, sender; a pull request for one run in five), in TFE's shapes.
 */
function configurationVersionResources(run, ws) {
  const cvId = run.relationships['configuration-version']?.data?.id;
  if (!cvId) return [];
  const repo = ws?.attributes['vcs-repo']?.identifier;
  const x = prng(hashString(cvId));
  const iaId = `ia-${cvId.slice(3)}`;
  const at = run.attributes['created-at'];
  const cv = {
    id: cvId, type: 'configuration-versions',
    attributes: {
      'auto-queue-runs': true, error: null, 'error-message': null, source: repo ? 'github' : 'tfe-api', speculative: false,
      status: 'uploaded', 'status-timestamps': { 'uploaded-at': at, 'fetching-at': at }, 'changed-files': repo ? ['main.tf'] : [],
      provisional: false,
    },
    relationships: {
      'ingress-attributes': repo
        ? { data: { id: iaId, type: 'ingress-attributes' }, links: { related: `/api/v2/configuration-versions/${cvId}/ingress-attributes` } }
        : { data: null },
    },
    links: { self: `/api/v2/configuration-versions/${cvId}`, download: `/api/v2/configuration-versions/${cvId}/download` },
  };
  if (!repo) return [cv];
  const sha = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(x() * 16)]).join('');
  const sender = SENDERS[Math.floor(x() * SENDERS.length)];
  const pr = x() < 0.2 ? 1 + Math.floor(x() * 900) : null;
  const base = `https://github.com/${repo}`;
  const ia = {
    id: iaId, type: 'ingress-attributes',
    attributes: {
      branch: 'main', 'clone-url': `${base}.git`, 'commit-message': run.attributes.message, 'commit-sha': sha,
      'commit-url': `${base}/commit/${sha}`, 'compare-url': `${base}/compare/${sha.slice(0, 12)}...${sha.slice(28)}`,
      identifier: repo, 'is-pull-request': pr != null, 'on-default-branch': pr == null,
      'pull-request-number': pr, 'pull-request-url': pr ? `${base}/pull/${pr}` : null,
      'pull-request-title': pr ? `Change ${ws.attributes.name}` : null, 'pull-request-body': pr ? '' : null, tag: null,
      'sender-username': sender, 'sender-avatar-url': `https://avatars.githubusercontent.com/u/${1000 + Math.floor(x() * 90000)}?v=4`,
      'sender-html-url': `https://github.com/${sender}`,
    },
    relationships: { 'created-by': { data: null } },
    links: { self: `/api/v2/configuration-versions/${cvId}/ingress-attributes` },
  };
  return [cv, ia];
}

/** The user holding a generated workspace's lock. */
function userResource(id) {
  return {
    id, type: 'users',
    attributes: { username: 'fake-user', 'is-service-account': false, 'avatar-url': 'https://www.gravatar.com/avatar/0', 'v2-only': false, permissions: {} },
    links: { self: `/api/v2/users/${id}` },
  };
}

/** A project resource in TFE's shape, with every attribute and relationship TFE sends. */
function projectResource({ id, name, org, description = null }) {
  return {
    id,
    type: 'projects',
    attributes: {
      name, description, 'created-at': '2025-01-01T00:00:00.000Z', 'workspace-count': 0, 'team-count': 1,
      'stack-count': 0, 'auto-destroy-activity-duration': null, 'default-execution-mode': 'remote',
      'setting-overwrites': { 'default-execution-mode': false, 'default-agent-pool': false },
      permissions: permissions('projects'),
    },
    relationships: {
      organization: { data: { id: org, type: 'organizations' } },
      'default-agent-pool': { data: null },
      'effective-tag-bindings': { links: { related: `/api/v2/projects/${id}/effective-tag-bindings` } },
      'tag-bindings': { links: { related: `/api/v2/projects/${id}/tag-bindings` } },
    },
    links: { self: `/api/v2/projects/${id}` },
  };
}

/** A private registry module resource in TFE's shape, with every attribute and relationship TFE sends. */
function moduleResource({ id, name, provider, org, versions }) {
  return {
    id,
    type: 'registry-modules',
    attributes: {
      name, namespace: org, provider, 'registry-name': 'private', status: 'setup_complete',
      'version-statuses': versions.map(version => ({ version, status: 'ok' })),
      'vcs-repo': {
        branch: '', 'display-identifier': `${org}/terraform-${provider}-${name}`,
        identifier: `${org}/terraform-${provider}-${name}`, 'ingress-submodules': true,
        'oauth-token-id': 'ot-FakeTfe000000001',
        'repository-http-url': `https://github.com/${org}/terraform-${provider}-${name}`, 'service-provider': 'github',
        tags: true, 'tags-regex': null,
        'webhook-url': `https://app.terraform.io/webhooks/vcs/${id.slice(4)}`,
      },
      'created-at': '2025-02-01T00:00:00.000Z', 'updated-at': '2026-10-01T00:00:00.000Z',
      'no-code': false, 'publishing-mechanism': 'git_tag', 'test-config': null,
      permissions: { 'can-delete': true, 'can-resync': true, 'can-retry': true },
    },
    relationships: { organization: { data: { id: org, type: 'organizations' } } },
    links: { self: `/api/v2/registry-modules/private/${org}/${name}/${provider}` },
  };
}

/**
 * The versions blueprint tags name, in turn (by workspace index, so no draw of the PRNG changes):
 * an older release (behind), none (unknown), the modules' pre-release (current for it).
 */
const INSTANCE_VERSIONS = ['@1.0.0', '', '@2.0.0-rc.1'];

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
      // A pre-release beside the releases: never any instance's newest unless it is on it.
      versions: ['1.0.0', `1.${1 + (i % 4)}.0`, '2.0.0-rc.1'],
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
        ...(rand() < 0.35 ? [`blueprint:${pick(rand, org.modules).attributes.name}${INSTANCE_VERSIONS[i % INSTANCE_VERSIONS.length]}`] : []),
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
  outputResource, configurationVersionResources, userResource,
  generateOrganization, loadOrganization, runResource, workspaceResource, projectResource, moduleResource, prng, makeId,
};
