'use strict';
// The project's one fake TFE: an HTTP server faithful to TFE's API v2 (JSON:API documents,
// absolute pagination links, Bearer auth with
// 401/404 semantics, 30 requests/second per token and 30/minute on run lists with real 429
// headers and body), with faults on demand. Used by every test, the demo and the benchmarks.
//
// Control it in-process (the returned object), or over HTTP under /_fake/ when it runs as a
// separate process (cli.js).

const http = require('node:http');
const crypto = require('node:crypto');
const {
  prng, runResource, makeId, workspaceResource, outputResource, configurationVersionResources, userResource,
} = require('./organization');

const JSONAPI = 'application/vnd.api+json';
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

/** JSON:API error document, with `status` as a string as JSON:API says (TFE sends both). */
function errors(status, title, detail) {
  return { errors: [{ status: String(status), title, ...(detail ? { detail } : {}) }] };
}

/** A run's plan counts, derived from its id: the plan document and its log always agree. */
function planCounts(run) {
  const seed = [...run.id].reduce((n, c) => n + c.charCodeAt(0), 0);
  return { additions: seed % 7, changes: seed % 5, destructions: seed % 3 };
}

/**
 * The result a generated workspace's `current-assessment-result` points at, when it has one: drift
 * for one workspace in five (by its id), at its `last-assessment-result-at`.
 */
function generatedAssessment(ws) {
  const id = ws.relationships?.['current-assessment-result']?.data?.id;
  if (!id || !ws.attributes['last-assessment-result-at']) return null;
  const drifted = [...ws.id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 5 === 0 ? 2 : 0;
  return {
    id, type: 'assessment-results',
    attributes: {
      drifted: drifted > 0, succeeded: true, 'error-msg': null, 'created-at': ws.attributes['last-assessment-result-at'],
      'resources-drifted': drifted, 'resources-undrifted': 10, 'all-checks-succeeded': true, 'checks-failed': 0,
      'checks-errored': 0, 'checks-passed': 2, 'checks-unknown': 0,
    },
    links: { self: `/api/v2/assessment-results/${id}` },
  };
}

class FakeTfe {
  constructor({ organizations = [], tokens = {}, rateLimit = {}, seed = 7 } = {}) {
    /** @type {Map<string, {name: string, workspaces: object[], runs: Map<string, object>}>} */
    this.orgs = new Map(organizations.map(o => [o.name, o]));
    /** token → array of organization names it can see, or '*' */
    this.tokens = new Map(Object.entries(tokens));
    // `advertised`: what X-RateLimit-Limit says, when it differs from what is enforced (TFE limits
    // per user, so other tokens of the same user eat into the limit a client was told).
    this.rateLimit = { perSecond: 30, runsPerMinute: 30, enabled: true, ...rateLimit };
    this.faults = FakeTfe.noFaults();
    this.rand = prng(seed);
    this.log = [];
    /** Bumped by every change of workspaces or runs: the listings' status counts are kept until then. */
    this.changes = 0;
    this.windows = new Map();
    this.url = undefined;
  }

  static noFaults() {
    return {
      latencyMs: 0,
      errorRate: 0, // share of API requests answered 500
      truncateRate: 0, // share answered 200 with a body cut in half
      dropRate: 0, // share whose connection is destroyed without an answer
      failPages: {}, // page number → HTTP status, for every request of that page of a listing
      shift: null, // {afterPage, action: 'add' | 'delete'}: mutate the list once, between pages
      down: false, // every API request answers 503
      logHost: null, // an origin (e.g. another server's URL) that log-read-urls point at instead of this one
      redirectLogsTo: null, // a URL the plan logs answer 302 to
      leakSensitiveOutputs: false, // send sensitive outputs' values (TFE sends null): what the plugin must never keep
    };
  }

  setFaults(faults) {
    this.faults = { ...FakeTfe.noFaults(), ...faults };
  }

  clearFaults() {
    this.faults = FakeTfe.noFaults();
  }

  /** Sets the status of a workspace's current run (a new run when it had none). */
  setRunStatus(orgName, workspaceId, status, at = new Date().toISOString()) {
    this.changes++;
    const org = this.orgs.get(orgName);
    const ws = org.workspaces.find(w => w.id === workspaceId);
    if (!ws) throw new Error(`no workspace ${workspaceId}`);
    let runId = ws.relationships['current-run']?.data?.id;
    if (!runId) {
      runId = makeId('run', this.rand);
      ws.relationships['current-run'] = { data: { id: runId, type: 'runs' } };
    }
    org.runs.set(runId, runResource({ id: runId, workspaceId, status, at, message: `Set to ${status} by the fake` }));
    return runId;
  }

  /**
   * Records a health assessment of a workspace, as TFE does when drift detection runs: the
   * workspace's listing shows when, and its current-assessment-result endpoint serves it.
   */
  setAssessment(orgName, workspaceId, { drifted = 0, undrifted = 10, checksFailed = 0, checksPassed = 2, checksUnknown = 0, at = new Date().toISOString() } = {}) {
    const org = this.orgs.get(orgName);
    const ws = org.workspaces.find(w => w.id === workspaceId);
    if (!ws) throw new Error(`no workspace ${workspaceId}`);
    ws.attributes['assessments-enabled'] = true;
    ws.attributes['last-assessment-result-at'] = at;
    org.assessments ??= new Map();
    org.assessments.set(workspaceId, {
      id: makeId('asmtres', this.rand),
      type: 'assessment-results',
      attributes: {
        drifted: drifted > 0, succeeded: true, 'error-msg': null, 'created-at': at,
        'resources-drifted': drifted, 'resources-undrifted': undrifted,
        'all-checks-succeeded': checksFailed === 0, 'checks-failed': checksFailed, 'checks-errored': 0,
        'checks-passed': checksPassed, 'checks-unknown': checksUnknown,
      },
      links: { self: `/api/v2/assessment-results/${workspaceId}` },
    });
  }

  /** Adds a finished run to a workspace's history (not its current run), created at `at`. */
  addPastRun(orgName, workspaceId, status, at) {
    this.changes++;
    const org = this.orgs.get(orgName);
    const id = makeId('run', this.rand);
    org.runs.set(id, runResource({ id, workspaceId, status, at, message: `A past ${status} run` }));
    return id;
  }

  /**
   * Replaces a workspace's outputs (its current state's): [{name, value, sensitive, type}]. The
   * values of sensitive ones are kept but served as null, as TFE does (unless a fault leaks them).
   */
  setOutputs(orgName, workspaceId, outputs) {
    const org = this.orgs.get(orgName);
    const ws = org.workspaces.find(w => w.id === workspaceId);
    if (!ws) throw new Error(`no workspace ${workspaceId}`);
    org.outputs ??= new Map();
    const data = outputs.map(({ name, value, sensitive = false, type = 'string' }) => {
      const id = makeId('wsout', this.rand);
      org.outputs.set(id, {
        id, type: 'workspace-outputs',
        attributes: {
          name, sensitive, 'output-type': type, 'detailed-type': type, value: sensitive ? null : value,
          'workspace-attributes': { id: ws.id, name: ws.attributes.name }, 'organization-attributes': { id: `org-${orgName}`, name: orgName },
        },
        links: { self: `/api/v2/workspace-outputs/${id}` },
        ...(sensitive ? { secretValue: value } : {}),
      });
      return { id, type: 'workspace-outputs' };
    });
    ws.relationships.outputs = { ...ws.relationships.outputs, data };
  }

  /** The output resource of a workspace's output id, as served (a sensitive value only if leaked). */
  outputOf(org, ws, id, index) {
    const stored = org.outputs?.get(id) ?? outputResource(ws, id, index, org.name);
    const { secretValue, ...resource } = stored;
    if (secretValue === undefined || !this.faults.leakSensitiveOutputs) return resource;
    return { ...resource, attributes: { ...resource.attributes, value: secretValue } };
  }

  addWorkspace(orgName, name) {
    this.changes++;
    const org = this.orgs.get(orgName);
    const ws = workspaceResource({
      id: makeId('ws', this.rand), name, org: orgName, runId: null, tags: [], description: null,
      repo: null, workingDirectory: '', projectId: 'prj-FakeTfeAdded0001', autoApply: false,
    });
    // TFE lists workspaces by name; a new one lands in the middle of the listing.
    org.workspaces.unshift(ws);
    return ws;
  }

  deleteWorkspace(orgName, workspaceId) {
    this.changes++;
    const org = this.orgs.get(orgName);
    org.workspaces = org.workspaces.filter(w => w.id !== workspaceId);
  }

  /**
   * A run notification (payload_version 1) for the workspace's current run, after moving the run
   * to `status` in the fake's data, as TFE sends it on a run event.
   */
  runNotification(orgName, workspaceId, status, trigger = 'run:completed') {
    const at = new Date().toISOString();
    const runId = this.setRunStatus(orgName, workspaceId, status, at);
    const ws = this.orgs.get(orgName).workspaces.find(w => w.id === workspaceId);
    return {
      payload_version: 1,
      notification_configuration_id: 'nc-FakeTfe0000000001',
      run_url: `${this.url}/app/${orgName}/workspaces/${ws.attributes.name}/runs/${runId}`,
      run_id: runId,
      run_message: `Set to ${status} by the fake`,
      run_created_at: at,
      run_created_by: 'fake-user',
      workspace_id: workspaceId,
      workspace_name: ws.attributes.name,
      organization_name: orgName,
      notifications: [{ message: `Run ${status}`, trigger, run_status: status, run_updated_at: at, run_updated_by: 'fake-user' }],
    };
  }

  /** An assessment notification (payload_version "2"). */
  assessmentNotification(orgName, workspaceId, { trigger = 'assessment:drifted', drifted = 3, undrifted = 10 } = {}) {
    const ws = this.orgs.get(orgName).workspaces.find(w => w.id === workspaceId);
    return {
      payload_version: '2',
      notification_configuration_url: `${this.url}/api/v2/notification-configurations/nc-FakeTfe0000000001`,
      trigger_scope: 'assessment',
      trigger,
      message: 'Drift Detected',
      details: {
        new_assessment_result: {
          id: 'asmtres-FakeTfe000000001', drifted: drifted > 0, succeeded: true, all_checks_succeeded: true,
          resources_drifted: drifted, resources_undrifted: undrifted, checks_failed: 0, created_at: new Date().toISOString(),
        },
        prior_assessment_result: null,
        workspace_id: workspaceId,
        workspace_name: ws.attributes.name,
        organization_name: orgName,
      },
    };
  }

  /** "Send a test": every run and workspace field is null. */
  static verificationNotification() {
    return {
      payload_version: 1, notification_configuration_id: 'nc-FakeTfe0000000001', run_url: null, run_id: null,
      run_message: null, run_created_at: null, run_created_by: null, workspace_id: null, workspace_name: null,
      organization_name: null,
      notifications: [{ message: 'Verification of test', trigger: 'verification', run_status: null, run_updated_at: null, run_updated_by: null }],
    };
  }

  /** POSTs a payload (object, or exact body text) to `url` as TFE does, signed when `token` is set. */
  static async sendNotification(url, payload, token) {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const headers = { 'Content-Type': 'application/json', 'User-Agent': 'TFE' };
    if (token) headers['X-TFE-Notification-Signature'] = crypto.createHmac('sha512', token).update(body).digest('hex');
    return fetch(url, { method: 'POST', headers, body });
  }

  requestsTo(pathPrefix) {
    return this.log.filter(r => r.path.startsWith(pathPrefix));
  }

  listen(port = 0, host = '127.0.0.1') {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(err => {
        res.writeHead(500, { 'Content-Type': JSONAPI });
        res.end(JSON.stringify(errors(500, 'fake TFE bug', String(err))));
      });
    });
    return new Promise(resolve => {
      this.server.listen(port, host, () => {
        this.url = `http://${host}:${this.server.address().port}`;
        resolve(this);
      });
    });
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise(resolve => this.server.close(() => resolve()));
  }

  async handle(req, res) {
    const url = new URL(req.url, this.url);
    if (url.pathname.startsWith('/_fake/')) return this.admin(req, res, url);
    const entry = { method: req.method, path: url.pathname, query: url.search, status: 0, at: Date.now() };
    this.log.push(entry);
    const send = (status, body, headers = {}) => {
      entry.status = status;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': JSONAPI, 'TFP-API-Version': '2.6', 'X-TFE-Version': 'fake', ...headers });
      res.end(text);
    };
    const f = this.faults;
    if (f.latencyMs) await new Promise(r => setTimeout(r, f.latencyMs));
    if (f.down) return send(503, errors(503, 'service unavailable'));
    if (url.pathname.startsWith('/_archivist/')) return this.archivist(url, res, entry);
    if (f.dropRate && this.rand() < f.dropRate) {
      entry.status = 'dropped';
      return req.socket.destroy();
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const visible = token && this.tokens.get(token);
    if (!visible) return send(401, errors(401, 'unauthorized'));
    const limited = this.rateLimited(token, url.pathname);
    if (limited) return send(429, errors(429, 'Too many requests', "You have exceeded the API's rate limit."), limited);
    const rateHeaders = { 'X-RateLimit-Limit': String(this.rateLimit.advertised ?? this.rateLimit.perSecond) };
    if (f.errorRate && this.rand() < f.errorRate) return send(500, errors(500, 'internal server error'));
    const answer = this.route(req, url, visible);
    const page = Number(url.searchParams.get('page[number]') ?? 1);
    if (answer.status === 200 && f.failPages[page]) {
      return send(f.failPages[page], errors(f.failPages[page], 'injected failure'));
    }
    if (answer.status === 200 && f.truncateRate && this.rand() < f.truncateRate) {
      entry.status = 'truncated';
      const text = JSON.stringify(answer.body);
      res.writeHead(200, { 'Content-Type': JSONAPI, 'Content-Length': String(text.length) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return res.destroy();
    }
    if (answer.status === 200 && answer.afterPage) answer.afterPage();
    send(answer.status, answer.body, rateHeaders);
  }

  /** A sliding one-second window per token, and one-minute windows for run lists. */
  rateLimited(token, pathname) {
    if (!this.rateLimit.enabled) return null;
    const now = Date.now();
    const check = (key, limit, windowMs) => {
      const hits = (this.windows.get(key) ?? []).filter(t => now - t < windowMs);
      this.windows.set(key, hits);
      if (hits.length >= limit) {
        const reset = ((hits[0] + windowMs - now) / 1000).toFixed(3);
        return { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset };
      }
      hits.push(now);
      return null;
    };
    const isRunList = /^\/api\/v2\/(workspaces\/[^/]+|organizations\/[^/]+)\/runs$/.test(pathname);
    return (isRunList && check(`${token}:runs`, this.rateLimit.runsPerMinute, 60_000)) ||
      check(token, this.rateLimit.perSecond, 1000);
  }

  route(req, url, visible) {
    const can = org => visible === '*' || visible.includes(org);
    const notFound = { status: 404, body: errors(404, 'not found') };
    if (req.method !== 'GET') return notFound;
    const p = url.pathname;
    let m;
    if (p === '/api/v2/ping') return { status: 204 };
    if ((m = /^\/api\/v2\/organizations\/([^/]+)\/(workspaces|projects|registry-modules)$/.exec(p))) {
      const org = this.orgs.get(decodeURIComponent(m[1]));
      if (!org || !can(org.name)) return notFound;
      if (m[2] === 'registry-modules' && org.registryEntitled === false) return notFound; // TFE: 404 when not entitled
      const items = { workspaces: org.workspaces, projects: org.projects ?? [], 'registry-modules': org.modules ?? [] }[m[2]];
      return this.list(url, org, items);
    }
    if ((m = /^\/api\/v2\/organizations\/([^/]+)\/runs$/.exec(p))) {
      const org = this.orgs.get(decodeURIComponent(m[1]));
      if (!org || !can(org.name)) return notFound;
      return this.runList(url, org);
    }
    if ((m = /^\/api\/v2\/projects\/([^/]+)$/.exec(p))) {
      for (const org of this.orgs.values()) {
        const project = (org.projects ?? []).find(x => x.id === m[1]);
        if (project && can(org.name)) return { status: 200, body: { data: project } };
      }
      return notFound;
    }
    if ((m = /^\/api\/v2\/organizations\/([^/]+)\/registry-modules\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(p))) {
      const org = this.orgs.get(decodeURIComponent(m[1]));
      const mod = org && can(org.name) && (org.modules ?? []).find(x =>
        x.attributes['registry-name'] === m[2] && x.attributes.namespace === m[3] && x.attributes.name === m[4] && x.attributes.provider === m[5]);
      return mod ? { status: 200, body: { data: mod } } : notFound;
    }
    if ((m = /^\/api\/v2\/organizations\/([^/]+)\/workspaces\/([^/]+)$/.exec(p))) {
      const org = this.orgs.get(decodeURIComponent(m[1]));
      const ws = org && can(org.name) && org.workspaces.find(w => w.attributes.name === decodeURIComponent(m[2]));
      return ws ? this.show(url, org, ws) : notFound;
    }
    if ((m = /^\/api\/v2\/workspaces\/([^/]+)$/.exec(p))) {
      for (const org of this.orgs.values()) {
        const ws = org.workspaces.find(w => w.id === m[1]);
        if (ws && can(org.name)) return this.show(url, org, ws);
      }
      return notFound;
    }
    if ((m = /^\/api\/v2\/workspaces\/([^/]+)\/runs$/.exec(p))) {
      for (const org of this.orgs.values()) {
        if (!org.workspaces.some(w => w.id === m[1]) || !can(org.name)) continue;
        const runs = [...org.runs.values()].filter(r => r.relationships.workspace?.data?.id === m[1]);
        const list = this.runList(url, { ...org, runs: new Map(runs.map(r => [r.id, r])) });
        const included = runs.flatMap(run => this.runIncluded(url, org, run).included ?? []);
        if (included.length) list.body.included = [...new Map(included.map(i => [`${i.type}/${i.id}`, i])).values()];
        return list;
      }
      return notFound;
    }
    if ((m = /^\/api\/v2\/workspaces\/([^/]+)\/current-assessment-result$/.exec(p))) {
      for (const org of this.orgs.values()) {
        const ws = org.workspaces.find(w => w.id === m[1]);
        const result = org.assessments?.get(m[1]) ?? (ws && generatedAssessment(ws));
        if (result && can(org.name)) return { status: 200, body: { data: result } };
      }
      return notFound;
    }
    if ((m = /^\/api\/v2\/runs\/([^/]+)$/.exec(p))) {
      for (const org of this.orgs.values()) {
        const run = org.runs.get(m[1]);
        if (run && can(org.name)) return { status: 200, body: { data: run, ...this.runIncluded(url, org, run) } };
      }
      return notFound;
    }
    return notFound;
  }

  /**
   * A workspace listing's or show's `included`: `current_run` (and, with
   * `current_run.configuration_version[.ingress_attributes]`, its configuration version and VCS
   * ingress attributes), `locked_by` (the user holding the lock) and `outputs` (the current
   * state's outputs, sensitive values null).
   */
  included(url, org, workspaces) {
    const include = (url.searchParams.get('include') ?? '').split(',').filter(Boolean);
    if (include.length === 0) return undefined;
    const ingress = include.some(i => i.startsWith('current_run.configuration_version'));
    const included = [];
    for (const ws of workspaces) {
      const run = org.runs.get(ws.relationships['current-run']?.data?.id);
      if (run && (include.includes('current_run') || ingress)) included.push(run);
      if (run && ingress) {
        const [cv, ia] = configurationVersionResources(run, ws);
        if (cv) included.push(cv);
        if (ia && include.includes('current_run.configuration_version.ingress_attributes')) included.push(ia);
      }
      const holder = ws.relationships['locked-by']?.data;
      if (include.includes('locked_by') && holder?.type === 'users') included.push(userResource(holder.id));
      if (include.includes('outputs')) {
        (ws.relationships.outputs?.data ?? []).forEach((o, i) => included.push(this.outputOf(org, ws, o.id, i)));
      }
    }
    return [...new Map(included.map(r => [`${r.type}/${r.id}`, r])).values()];
  }

  /** The plan logs behind `log-read-url`s: plain text, no Authorization (the URL is the secret). */
  archivist(url, res, entry) {
    const planId = /^\/_archivist\/v1\/object\/(plan-[^/]+)$/.exec(url.pathname)?.[1];
    const run = planId && [...this.orgs.values()].flatMap(o => [...o.runs.values()])
      .find(r => r.relationships.plan?.data?.id === planId);
    if (run && this.faults.redirectLogsTo) {
      entry.status = 302;
      res.writeHead(302, { Location: this.faults.redirectLogsTo });
      return res.end();
    }
    entry.status = run ? 200 : 404;
    if (!run) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    const plan = planCounts(run);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end([
      'Terraform v1.9.5',
      'on linux_amd64',
      'Initializing plugins and modules...',
      '',
      `Terraform will perform the following actions (${run.id}):`,
      '',
      `Plan: ${plan.additions} to add, ${plan.changes} to change, ${plan.destructions} to destroy.`,
      '',
    ].join('\n'));
  }

  /** The organization's runs, newest first: `next-page` only, no totals, no first/last links. */
  runList(url, org) {
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(url.searchParams.get('page[size]') ?? DEFAULT_PAGE_SIZE)));
    const page = Math.max(1, Number(url.searchParams.get('page[number]') ?? 1));
    const runs = [...org.runs.values()].sort((a, b) => b.attributes['created-at'].localeCompare(a.attributes['created-at']));
    const data = runs.slice((page - 1) * size, page * size);
    const more = page * size < runs.length;
    const link = n => {
      const q = new URLSearchParams(url.searchParams);
      q.set('page[number]', String(n));
      q.set('page[size]', String(size));
      return `${this.url}${url.pathname}?${q.toString()}`;
    };
    return {
      status: 200,
      body: {
        data,
        links: { self: link(page), prev: page > 1 ? link(page - 1) : null, next: more ? link(page + 1) : null },
        meta: { pagination: { 'current-page': page, 'page-size': size, 'prev-page': page > 1 ? page - 1 : null, 'next-page': more ? page + 1 : null } },
      },
    };
  }

  /** `include=workspace,plan,created_by,configuration_version[.ingress_attributes]` of a run show or list. */
  runIncluded(url, org, run) {
    const include = (url.searchParams.get('include') ?? '').split(',').filter(Boolean);
    if (include.length === 0) return {};
    const rel = key => run.relationships[key]?.data;
    const included = [];
    if (include.includes('workspace')) {
      const ws = org.workspaces.find(w => w.id === rel('workspace')?.id);
      if (ws) included.push(ws);
    }
    if (include.includes('plan') && rel('plan')) {
      const plan = planCounts(run);
      included.push({
        id: rel('plan').id, type: 'plans',
        attributes: {
          status: 'finished', 'has-changes': true, 'resource-additions': plan.additions, 'resource-changes': plan.changes,
          'resource-destructions': plan.destructions, 'resource-imports': 0,
          // Pre-signed like TFE's: whoever holds it reads the log, no token needed.
          'log-read-url': `${this.faults.logHost ?? this.url}/_archivist/v1/object/${rel('plan').id}?signature=${crypto.createHash('sha256').update(rel('plan').id).digest('hex')}`,
        },
      });
    }
    if (include.includes('created_by') && rel('created-by')) {
      included.push({ id: rel('created-by').id, type: 'users', attributes: { username: 'fake-user', 'avatar-url': 'https://www.gravatar.com/avatar/0' } });
    }
    if (include.some(i => i.startsWith('configuration_version'))) {
      const ws = org.workspaces.find(w => w.id === rel('workspace')?.id);
      const [cv, ia] = configurationVersionResources(run, ws);
      if (cv) included.push(cv);
      if (ia && include.includes('configuration_version.ingress_attributes')) included.push(ia);
    }
    return { included };
  }

  show(url, org, ws) {
    const included = this.included(url, org, [ws]);
    return { status: 200, body: { data: ws, ...(included ? { included } : {}) } };
  }

  /**
   * `meta.status-counts` of a listing, by current-run status. Counting 50,000 workspaces on every
   * page would make the fake slower than the rate limit, so the counts are kept until the fake's
   * state changes (a run or a workspace, or a run added to the organization directly).
   */
  statusCounts(org, items) {
    const key = `${this.changes}:${items.length}:${org.runs.size}`;
    if (org.statusCounts?.items === items && org.statusCounts.key === key) return org.statusCounts.counts;
    const counts = { none: 0 };
    for (const w of items) {
      if (w.type !== 'workspaces') continue;
      const status = org.runs.get(w.relationships['current-run']?.data?.id)?.attributes.status;
      if (!status) counts.none++;
      else counts[status.replace(/_/g, '-')] = (counts[status.replace(/_/g, '-')] ?? 0) + 1;
    }
    org.statusCounts = { items, key, counts };
    return counts;
  }

  list(url, org, items) {
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(url.searchParams.get('page[size]') ?? DEFAULT_PAGE_SIZE)));
    const total = items.length;
    const pages = Math.max(1, Math.ceil(total / size));
    const page = Math.max(1, Number(url.searchParams.get('page[number]') ?? 1));
    const data = items.slice((page - 1) * size, page * size);
    const link = n => {
      const q = new URLSearchParams(url.searchParams);
      q.set('page[number]', String(n));
      q.set('page[size]', String(size));
      return `${this.url}${url.pathname}?${q.toString()}`; // URLSearchParams percent-encodes brackets
    };
    const included = this.included(url, org, data);
    const counts = { total, ...this.statusCounts(org, items) };
    const shift = items === org.workspaces ? this.faults.shift : null;
    return {
      status: 200,
      body: {
        data,
        ...(included ? { included } : {}),
        links: {
          self: link(page), first: link(1), prev: page > 1 ? link(page - 1) : null,
          next: page < pages ? link(page + 1) : null, last: link(pages),
        },
        meta: {
          'status-counts': counts,
          pagination: {
            'current-page': page, 'page-size': size, 'prev-page': page > 1 ? page - 1 : null,
            'next-page': page < pages ? page + 1 : null, 'total-pages': pages, 'total-count': total,
          },
        },
      },
      // A listing that changes while it is paged: after serving `afterPage`, once.
      afterPage: shift && shift.afterPage === page ? () => {
        this.faults.shift = null;
        if (shift.action === 'delete') this.deleteWorkspace(org.name, org.workspaces[0].id);
        else this.addWorkspace(org.name, `added-between-pages-${Date.now()}`);
      } : undefined,
    };
  }

  /** /_fake/ admin API for out-of-process use (cli.js): faults, run status, request log. */
  async admin(req, res, url) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const input = body ? JSON.parse(body) : {};
    const reply = (status, value) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value ?? null));
    };
    if (url.pathname === '/_fake/faults' && req.method === 'POST') return reply(200, this.setFaults(input) ?? this.faults);
    if (url.pathname === '/_fake/runs' && req.method === 'POST') {
      return reply(200, { runId: this.setRunStatus(input.organization, input.workspaceId, input.status) });
    }
    if (url.pathname === '/_fake/log') return reply(200, this.log);
    return reply(404, { error: 'no such admin route' });
  }
}

/** Starts a fake TFE on loopback. */
async function startFakeTfe(options = {}) {
  const fake = new FakeTfe(options);
  return fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
}

module.exports = { FakeTfe, startFakeTfe };
