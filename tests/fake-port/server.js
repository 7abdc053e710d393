'use strict';
// The project's one fake Port (getport.io): an HTTP server faithful to the Port API facts the
// product relies on: client-credential tokens that expire (401 after), blueprints, entity create /
// upsert / bulk (1 to 20, 207 on partial success) / patch / search / delete / bulk delete,
// validation of entities against their blueprint (422 with Port's error body, 404 for a missing
// relation target), a 1 MiB body limit (413), a per-organization rate limit (429 with
// x-ratelimit-* headers), and faults on demand. Used by every Port test and the benchmark.
//
// Control it in-process (the returned object), or over HTTP under /_fake/ when it runs as a
// separate process (cli.js).

const http = require('node:http');
const crypto = require('node:crypto');

const MAX_BODY = 1024 * 1024;
const BULK_MAX = 20;
const BULK_DELETE_MAX = 100;
const SEARCH_MAX = 1000;
const IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]{1,1000}$/u;
const BLUEPRINT_ID = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]{1,100}$/u;
const KEY = /^[A-Za-z0-9@_=\\-]{1,100}$/;

class PortError extends Error {
  constructor(status, error, message) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

const fail = (status, error, message) => { throw new PortError(status, error, message); };

/** Why `value` does not match the property schema `schema`, or null. */
function propertyProblem(key, schema, value) {
  if (value === null || value === undefined) return null;
  const type = Array.isArray(value) ? 'array' : typeof value;
  if (schema.type === 'string' && type !== 'string') return `${key} must be a string`;
  if (schema.type === 'number' && type !== 'number') return `${key} must be a number`;
  if (schema.type === 'boolean' && type !== 'boolean') return `${key} must be a boolean`;
  if (schema.type === 'array') {
    if (type !== 'array') return `${key} must be an array`;
    if (schema.items?.type === 'string' && !value.every(v => typeof v === 'string')) return `${key} items must be strings`;
  }
  if (schema.type === 'object' && (type !== 'object')) return `${key} must be an object`;
  if (schema.enum && !schema.enum.includes(value)) return `${key} must be one of ${JSON.stringify(schema.enum)}`;
  if (schema.format === 'date-time' && (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(Date.parse(value)))) {
    return `${key} must match format "date-time"`;
  }
  if (schema.format === 'url') {
    try { new URL(value); } catch { return `${key} must match format "url"`; }
  }
  return null;
}

class FakePort {
  constructor({ credentials = { 'fake-client': 'fake-secret' }, tokenTtlSeconds = 10800, rateLimit = {} } = {}) {
    this.credentials = new Map(Object.entries(credentials));
    this.tokenTtlSeconds = tokenTtlSeconds;
    /** token → {clientId, expiresAt} */
    this.tokens = new Map();
    /** @type {Map<string, object>} */
    this.blueprints = new Map();
    /** blueprint → Map(identifier → entity) */
    this.entityStore = new Map();
    // Port limited per organization per 5 minutes; `limit` requests per `windowSeconds`.
    this.rateLimit = { limit: 15000, windowSeconds: 300, enabled: true, ...rateLimit };
    this.window = { start: Date.now(), count: 0 };
    this.faults = FakePort.noFaults();
    this.log = [];
    this.url = undefined;
  }

  static noFaults() {
    return {
      latencyMs: 0,
      errorRate: 0, // share of API requests answered 503
      failNext: [], // statuses answered to the next requests, in order
      down: false, // every API request answers 503
    };
  }

  setFaults(faults) {
    this.faults = { ...FakePort.noFaults(), ...faults };
    return this.faults;
  }

  /** Every entity of `blueprint`, as Port returns them. */
  entities(blueprint) {
    return [...(this.entityStore.get(blueprint)?.values() ?? [])];
  }

  entity(blueprint, identifier) {
    return this.entityStore.get(blueprint)?.get(identifier);
  }

  /** Expires every token now, as Port does after 3 hours or when it rotates one. */
  expireTokens() {
    this.tokens.clear();
  }

  /** Requests that changed something (not token, reads or searches). */
  writes() {
    return this.log.filter(r => r.method !== 'GET' && !r.path.endsWith('/search') && !r.path.startsWith('/v1/auth/'));
  }

  // --- HTTP ---

  listen(port = 0, host = '127.0.0.1') {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(err => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fake_port_bug', message: String(err.stack ?? err) }));
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
    const url = new URL(req.url, 'http://fake');
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (url.pathname.startsWith('/_fake/')) return this.admin(req, res, url, text);
    const entry = { method: req.method, path: url.pathname, query: url.search, status: 0, at: Date.now() };
    this.log.push(entry);
    const send = (status, body, headers = {}) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...this.rateHeaders(), ...headers });
      res.end(JSON.stringify(body));
    };
    if (this.faults.latencyMs) await new Promise(r => setTimeout(r, this.faults.latencyMs));
    const forced = this.faults.failNext.shift();
    if (forced) return send(forced, { ok: false, error: 'internal_error', message: `fault: ${forced}` });
    if (this.faults.down || (this.faults.errorRate && Math.random() < this.faults.errorRate)) {
      return send(503, { ok: false, error: 'service_unavailable', message: 'fault: Port is unavailable' });
    }
    if (this.rateLimit.enabled && !this.takeRequest()) {
      return send(429, { ok: false, error: 'rate_limit_exceeded', message: 'Too many requests, try again later' });
    }
    if (size > MAX_BODY) return send(413, { ok: false, error: 'payload_too_large', message: `body of ${size} bytes is over 1 MiB` });
    let body = null;
    if (text) {
      try { body = JSON.parse(text); } catch { return send(400, { ok: false, error: 'invalid_json', message: 'body is not JSON' }); }
    }
    try {
      if (url.pathname === '/v1/auth/access_token' && req.method === 'POST') return send(200, this.token(body));
      this.authenticate(req.headers.authorization);
      const [status, result] = this.route(req.method, url, body);
      return send(status, result);
    } catch (e) {
      if (!(e instanceof PortError)) throw e;
      return send(e.status, { ok: false, error: e.error, message: e.message });
    }
  }

  rateHeaders() {
    const now = Date.now();
    const reset = Math.max(0, Math.ceil((this.window.start + this.rateLimit.windowSeconds * 1000 - now) / 1000));
    return {
      'x-ratelimit-limit': String(this.rateLimit.limit),
      'x-ratelimit-period': String(this.rateLimit.windowSeconds),
      'x-ratelimit-remaining': String(Math.max(0, this.rateLimit.limit - this.window.count)),
      'x-ratelimit-reset': String(reset),
    };
  }

  takeRequest() {
    const now = Date.now();
    if (now >= this.window.start + this.rateLimit.windowSeconds * 1000) this.window = { start: now, count: 0 };
    if (this.window.count >= this.rateLimit.limit) return false;
    this.window.count += 1;
    return true;
  }

  token(body) {
    const { clientId, clientSecret } = body ?? {};
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string') fail(422, 'invalid_request', 'clientId and clientSecret are required');
    if (this.credentials.get(clientId) !== clientSecret) fail(401, 'unauthorized', 'invalid client credentials');
    const now = Date.now();
    // One active token per credential pair: asking again returns the same one.
    for (const [token, t] of this.tokens) {
      if (t.clientId === clientId && t.expiresAt > now) {
        return { ok: true, accessToken: token, expiresIn: Math.floor((t.expiresAt - now) / 1000), tokenType: 'Bearer' };
      }
    }
    const token = crypto.randomBytes(24).toString('hex');
    this.tokens.set(token, { clientId, expiresAt: now + this.tokenTtlSeconds * 1000 });
    return { ok: true, accessToken: token, expiresIn: this.tokenTtlSeconds, tokenType: 'Bearer' };
  }

  authenticate(header) {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const t = token && this.tokens.get(token);
    if (!t || t.expiresAt <= Date.now()) fail(401, 'unauthorized', 'missing or expired access token');
  }

  route(method, url, body) {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const q = url.searchParams;
    if (parts[0] !== 'v1') fail(404, 'not_found', `no route ${url.pathname}`);
    const [, a, b, c, d, e] = parts;
    if (a === 'blueprints' && !b && method === 'POST') return [201, { ok: true, blueprint: this.createBlueprint(body) }];
    if (a === 'blueprints' && b && !c) {
      if (method === 'GET') return [200, { ok: true, blueprint: this.blueprint(b) }];
      if (method === 'PUT' || method === 'PATCH') return [200, { ok: true, blueprint: this.updateBlueprint(b, body, method === 'PATCH') }];
      if (method === 'DELETE') return [200, this.deleteBlueprint(b)];
    }
    if (a === 'blueprints' && c === 'entities') {
      this.blueprint(b);
      if (!d && method === 'POST') return this.upsertOne(b, body, q);
      if (d === 'bulk' && method === 'POST') return this.bulk(b, body, q);
      if (d === 'search' && method === 'POST') return [200, this.searchPaged(b, body)];
      if (d && !e) {
        if (method === 'GET') return [200, { ok: true, entity: this.mustEntity(b, d) }];
        if (method === 'PATCH' || method === 'PUT') return [200, { ok: true, entity: this.update(b, d, body, method === 'PATCH') }];
        if (method === 'DELETE') {
          this.mustEntity(b, d);
          this.entityStore.get(b).delete(d);
          return [200, { ok: true }];
        }
      }
    }
    if (a === 'blueprints' && c === 'bulk' && d === 'entities' && e === 'delete' && method === 'POST') return [200, this.bulkDelete(b, body)];
    if (a === 'entities' && b === 'search' && method === 'POST') {
      const all = [...this.entityStore.entries()].flatMap(([bp, m]) => [...m.values()].map(x => ({ ...x, blueprint: bp })));
      return [200, { ok: true, entities: all.filter(x => this.matches(x, body)) }];
    }
    fail(404, 'not_found', `no route ${method} ${url.pathname}`);
  }

  // --- blueprints ---

  checkBlueprint(body) {
    if (!body || typeof body.identifier !== 'string' || !BLUEPRINT_ID.test(body.identifier)) fail(422, 'invalid_request', 'identifier is invalid');
    if (typeof body.title !== 'string') fail(422, 'invalid_request', 'title is required');
    if (!body.schema || typeof body.schema.properties !== 'object') fail(422, 'invalid_request', 'schema.properties is required');
    for (const key of [...Object.keys(body.schema.properties), ...Object.keys(body.relations ?? {})]) {
      if (!KEY.test(key)) fail(422, 'invalid_request', `key ${key} is invalid`);
    }
    for (const [key, p] of Object.entries(body.schema.properties)) {
      if (!['string', 'number', 'boolean', 'object', 'array'].includes(p.type)) fail(422, 'invalid_request', `property ${key} has no valid type`);
    }
    for (const [key, r] of Object.entries(body.relations ?? {})) {
      if (!this.blueprints.has(r.target) && r.target !== body.identifier) fail(404, 'not_found', `relation ${key} targets unknown blueprint ${r.target}`);
    }
  }

  createBlueprint(body) {
    this.checkBlueprint(body);
    if (this.blueprints.has(body.identifier)) fail(409, 'identifier_taken', `blueprint ${body.identifier} already exists`);
    const blueprint = { relations: {}, ...structuredClone(body), createdAt: new Date().toISOString() };
    this.blueprints.set(body.identifier, blueprint);
    this.entityStore.set(body.identifier, new Map());
    return blueprint;
  }

  blueprint(id) {
    const bp = this.blueprints.get(id);
    if (!bp) fail(404, 'not_found', `blueprint ${id} not found`);
    return bp;
  }

  updateBlueprint(id, body, partial) {
    const old = this.blueprint(id);
    const next = partial ? { ...old, ...structuredClone(body) } : { relations: {}, ...structuredClone(body), identifier: id };
    this.checkBlueprint(next);
    this.blueprints.set(id, { ...next, createdAt: old.createdAt });
    return this.blueprints.get(id);
  }

  deleteBlueprint(id) {
    this.blueprint(id);
    if (this.entityStore.get(id).size) fail(422, 'has_entities', `blueprint ${id} still has entities`);
    this.blueprints.delete(id);
    this.entityStore.delete(id);
    return { ok: true };
  }

  // --- entities ---

  /** Validates `body` against blueprint `bp`; returns the stored entity shape. */
  validEntity(bp, body, q) {
    const blueprint = this.blueprint(bp);
    if (!body || typeof body.identifier !== 'string' || !IDENTIFIER.test(body.identifier)) {
      fail(422, 'invalid_request', `identifier ${JSON.stringify(body?.identifier)} does not match the identifier pattern`);
    }
    const properties = body.properties ?? {};
    const schema = blueprint.schema.properties;
    for (const [key, value] of Object.entries(properties)) {
      if (!schema[key]) fail(422, 'invalid_request', `property ${key} is not defined in blueprint ${bp}`);
      const problem = propertyProblem(key, schema[key], value);
      if (problem) fail(422, 'invalid_request', `"${body.identifier}": ${problem}`);
    }
    for (const key of blueprint.schema.required ?? []) {
      if (properties[key] === undefined || properties[key] === null) fail(422, 'invalid_request', `property ${key} is required`);
    }
    const relations = body.relations ?? {};
    for (const [key, target] of Object.entries(relations)) {
      const rel = blueprint.relations?.[key];
      if (!rel) fail(422, 'invalid_request', `relation ${key} is not defined in blueprint ${bp}`);
      const targets = target === null ? [] : Array.isArray(target) ? target : [target];
      if (!rel.many && Array.isArray(target)) fail(422, 'invalid_request', `relation ${key} takes one identifier`);
      for (const t of targets) {
        if (!this.entity(rel.target, t) && q.get('create_missing_related_entities') !== 'true') {
          fail(404, 'not_found', `related entity ${t} of blueprint ${rel.target} not found`);
        }
      }
    }
    for (const [key, rel] of Object.entries(blueprint.relations ?? {})) {
      if (rel.required && (relations[key] === undefined || relations[key] === null)) fail(422, 'invalid_request', `relation ${key} is required`);
    }
    return { identifier: body.identifier, title: body.title ?? null, icon: body.icon ?? null, team: body.team ?? [], properties, relations };
  }

  /** Create or upsert one entity; `[status, body]`. */
  store(bp, body, q) {
    const entity = this.validEntity(bp, body, q);
    const existing = this.entity(bp, entity.identifier);
    const upsert = q.get('upsert') === 'true';
    if (existing && !upsert) fail(409, 'identifier_taken', `entity ${entity.identifier} already exists`);
    const now = new Date().toISOString();
    let stored = entity;
    if (existing && q.get('merge') === 'true') {
      stored = { ...existing, ...entity, properties: { ...existing.properties, ...entity.properties }, relations: { ...existing.relations, ...entity.relations } };
    }
    stored = { ...stored, createdAt: existing?.createdAt ?? now, updatedAt: now, updatedAtMs: Date.now() };
    this.entityStore.get(bp).set(entity.identifier, stored);
    return { created: !existing, entity: stored };
  }

  upsertOne(bp, body, q) {
    const { entity } = this.store(bp, body, q);
    return [201, { ok: true, entity }];
  }

  bulk(bp, body, q) {
    const list = body?.entities;
    if (!Array.isArray(list) || list.length < 1 || list.length > BULK_MAX) fail(422, 'invalid_request', `entities must hold 1 to ${BULK_MAX} items`);
    const entities = [];
    const errors = [];
    list.forEach((item, index) => {
      try {
        const { created } = this.store(bp, item, q);
        entities.push({ index, identifier: item.identifier, created });
      } catch (e) {
        if (!(e instanceof PortError)) throw e;
        errors.push({ index, identifier: item?.identifier, statusCode: e.status, error: e.error, message: e.message });
      }
    });
    if (errors.length && !entities.length) return [errors[0].statusCode === 404 ? 404 : 422, { ok: false, error: errors[0].error, message: errors[0].message, entities, errors }];
    return [errors.length ? 207 : 200, { ok: true, entities, errors }];
  }

  mustEntity(bp, id) {
    const e = this.entity(bp, id);
    if (!e) fail(404, 'not_found', `entity ${id} of blueprint ${bp} not found`);
    return e;
  }

  update(bp, id, body, partial) {
    const old = this.mustEntity(bp, id);
    const merged = partial
      ? { ...old, ...body, identifier: id, properties: { ...old.properties, ...(body?.properties ?? {}) }, relations: { ...old.relations, ...(body?.relations ?? {}) } }
      : { ...body, identifier: id };
    const entity = this.validEntity(bp, merged, new URLSearchParams());
    const stored = { ...entity, createdAt: old.createdAt, updatedAt: new Date().toISOString(), updatedAtMs: Date.now() };
    this.entityStore.get(bp).set(id, stored);
    return stored;
  }

  bulkDelete(bp, body) {
    this.blueprint(bp);
    const ids = body?.entities;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > BULK_DELETE_MAX) fail(422, 'invalid_request', `entities must hold 1 to ${BULK_DELETE_MAX} identifiers`);
    // With dependents and delete_dependents=false, nothing is deleted.
    for (const id of ids) {
      for (const [other, m] of this.entityStore) {
        for (const e of m.values()) {
          for (const [key, target] of Object.entries(e.relations ?? {})) {
            const rel = this.blueprints.get(other)?.relations?.[key];
            if (rel?.target === bp && [target].flat().includes(id) && !ids.includes(e.identifier)) {
              fail(422, 'has_dependents', `entity ${id} has dependents (${e.identifier})`);
            }
          }
        }
      }
    }
    const store = this.entityStore.get(bp);
    const deletedEntities = ids.filter(id => store.delete(id));
    return { ok: true, deletedEntities };
  }

  /** Port's search query: `{combinator, rules}`, rules nest. */
  matches(entity, query) {
    if (!query || !Array.isArray(query.rules)) return true;
    const results = query.rules.map(rule => {
      if (rule.rules) return this.matches(entity, rule);
      const value = rule.property === '$identifier' ? entity.identifier
        : rule.property === '$title' ? entity.title
          : rule.property === '$blueprint' ? entity.blueprint
            : entity.properties?.[rule.property];
      switch (rule.operator) {
        case '=': return value === rule.value;
        case '!=': return value !== rule.value;
        case 'isEmpty': return value === null || value === undefined || value === '';
        case 'isNotEmpty': return !(value === null || value === undefined || value === '');
        case 'in': return Array.isArray(rule.value) && rule.value.includes(value);
        default: fail(422, 'invalid_request', `operator ${rule.operator} is not supported`);
      }
    });
    return query.combinator === 'or' ? results.some(Boolean) : results.every(Boolean);
  }

  searchPaged(bp, body) {
    const limit = body?.limit ?? 200;
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX) fail(422, 'invalid_request', `limit must be 1 to ${SEARCH_MAX}`);
    const all = this.entities(bp).map(e => ({ ...e, blueprint: bp })).filter(e => this.matches(e, body?.query));
    const from = body?.from ? all.findIndex(e => e.identifier === body.from) : 0;
    const start = from < 0 ? all.length : from;
    const page = all.slice(start, start + limit).map(({ updatedAtMs, ...e }) => e);
    const next = all[start + limit]?.identifier ?? null;
    return { ok: true, entities: page, next };
  }

  /** /_fake/ admin API for out-of-process use (cli.js). */
  admin(req, res, url, text) {
    const input = text ? JSON.parse(text) : {};
    const reply = (status, value) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value ?? null));
    };
    if (url.pathname === '/_fake/faults' && req.method === 'POST') return reply(200, this.setFaults(input));
    if (url.pathname === '/_fake/entities') return reply(200, this.entities(url.searchParams.get('blueprint')));
    if (url.pathname === '/_fake/log' && req.method === 'DELETE') { this.log = []; return reply(200, []); }
    if (url.pathname === '/_fake/log') return reply(200, this.log);
    if (url.pathname === '/_fake/expire-tokens' && req.method === 'POST') { this.expireTokens(); return reply(200, {}); }
    return reply(404, { error: 'no such admin route' });
  }
}

/** Starts a fake Port on loopback. */
async function startFakePort(options = {}) {
  const fake = new FakePort(options);
  return fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
}

module.exports = { FakePort, startFakePort };
