'use strict';
// The plugin's state, in its own database from Backstage's database service, so every replica
// sees the same and a restart keeps it. The core decides every merge (`mergeWorkspace`,
// `recordFromEvent`, `mergeFetched`, ...); this file reads a row, asks the core, and writes the
// answer only if the row is still the one it read (a version check), retrying otherwise, so no
// update is lost to a concurrent writer on this or another replica.

const path = require('node:path');
const core = require('./core');

const WORKSPACES = 'terraform_workspaces';
const RUNS = 'terraform_runs';
const CHANGES = 'terraform_changes';
const ORGANIZATIONS = 'terraform_organizations';
const PLAN_LOGS = 'terraform_plan_logs';

/** Conditional writes retry this often before giving up (only under heavy contention on one row). */
const MAX_ATTEMPTS = 8;

/** The registry columns of a workspace state (the core's RegistryEntry). */
function workspaceColumns(state) {
  const entry = core.registryEntry(state);
  return {
    workspace_name: entry.workspaceName,
    entity_ref: entry.entityRef,
    current_run_id: entry.currentRunId ?? null,
    blueprint: entry.blueprint ?? null,
    project_id: entry.projectId ?? null,
  };
}

class StateStore {
  /** Runs the plugin's migrations (under knex's migration lock) unless the app turned them off. */
  static async create(database) {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: path.join(__dirname, 'migrations'),
        tableName: 'terraform_knex_migrations',
        loadExtensions: ['.js'],
      });
    }
    return new StateStore(knex);
  }

  constructor(knex) {
    this.knex = knex;
    /** Told of merges that changed a workspace's state (see `merged`); the plugin sets it. */
    this.onMerged = null;
  }

  // -- the workspace registry and state ------------------------------------------------------

  async workspace(organization, workspaceId) {
    const row = await this.knex(WORKSPACES).where({ organization, workspace_id: workspaceId }).first();
    return row ? { ...row, state: JSON.parse(row.state) } : null;
  }

  /** The registry rows matching a core WorkspaceSelector ({organization, workspaceId | workspaceName | blueprint}). */
  async select(selector) {
    const q = this.knex(WORKSPACES).where({ organization: selector.organization });
    if (selector.workspaceId) q.andWhere({ workspace_id: selector.workspaceId });
    else if (selector.workspaceName) q.andWhere({ workspace_name: selector.workspaceName });
    else if (selector.blueprint) q.andWhere({ blueprint: selector.blueprint });
    else if (selector.projectId) q.andWhere({ project_id: selector.projectId });
    else return [];
    return (await q).map(row => ({ ...row, state: JSON.parse(row.state) }));
  }

  /** Workspaces (of any organization) whose current run is `runId`. */
  async byCurrentRun(runId) {
    const rows = await this.knex(WORKSPACES).where({ current_run_id: runId });
    return rows.map(row => ({ ...row, state: JSON.parse(row.state) }));
  }

  /**
   * Merges one fact into a workspace's state. Resolves with the new state, or null when the core
   * says nothing changes (or the workspace is unknown and the fact cannot create it).
   */
  mergeFact(organization, workspaceId, fact) {
    return this.mergeInto(this.knex, organization, workspaceId, fact);
  }

  /**
   * The one conditional merge: read the row (or start from `row`, when the caller just read it;
   * null: known absent), ask the core, write only if the row is still the one read, else read
   * again. Resolves with the written state, or null when nothing changes.
   */
  async mergeInto(trx, organization, workspaceId, fact, row, changes = null) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (row === undefined || attempt > 0) {
        row = (await trx(WORKSPACES).where({ organization, workspace_id: workspaceId }).first()) ?? null;
      }
      const previous = row ? JSON.parse(row.state) : null;
      const next = core.mergeWorkspace(previous, fact);
      if (!next) return null;
      if (await this.writeWorkspace(trx, organization, workspaceId, row, next)) {
        const change = { previous, next, baseline: false };
        if (changes) changes.push(change);
        else this.merged([change]);
        return next;
      }
    }
    throw new Error(`could not merge a fact into workspace ${workspaceId}: too much contention`);
  }

  /**
   * Hands merges that changed a workspace's state, once written, to `onMerged` (the owners'
   * alerts): `[{previous, next, baseline}]`, `baseline` when they come from the organization's
   * first sync. `onMerged` must neither throw nor wait. (`mergeInto` collects a transaction's
   * merges in `changes` instead, to hand them over once committed.)
   */
  merged(changes) {
    if (changes.length > 0) this.onMerged?.(changes);
  }

  /** Writes `next` if the row is still `row` (null: still absent). Resolves true when written. */
  async writeWorkspace(trx, organization, workspaceId, row, next) {
    const columns = { ...workspaceColumns(next), state: JSON.stringify(next) };
    if (row) {
      const n = await trx(WORKSPACES)
        .where({ organization, workspace_id: workspaceId, version: row.version })
        .update({ ...columns, version: row.version + 1 });
      if (n !== 1) return false;
    } else {
      try {
        await trx(WORKSPACES).insert({ organization, workspace_id: workspaceId, ...columns, version: 1 });
      } catch (e) {
        return false; // another writer created it first: read again
      }
    }
    await trx(CHANGES).insert({ organization, workspace_id: workspaceId, at: new Date() });
    return true;
  }

  /**
   * A full sync's snapshot: every workspace entity merged into its state with its outputs (a sync
   * never reverts a newer fact), workspaces gone from TFE removed, and the organization's other
   * entities (Systems, blueprint templates) kept as they came. One transaction, so readers see all
   * or nothing. `outputs` is the snapshot's `ws-…` → outputs (absent: not read).
   */
  async applySnapshot(organization, entities, outputs = {}) {
    const workspaces = [];
    const model = [];
    for (const entity of entities) {
      const { workspaceId } = core.entityIds(entity);
      if (workspaceId) workspaces.push({ id: workspaceId, entity });
      else model.push(entity);
    }
    const changes = [];
    const applied = await this.knex.transaction(async trx => {
      const rows = new Map(
        (await trx(WORKSPACES).where({ organization })).map(row => [row.workspace_id, row]),
      );
      const baseline = rows.size === 0; // the organization's first snapshot: what it finds alerts nobody
      let changed = 0;
      for (const { id, entity } of workspaces) {
        const fact = { type: 'synced', entity, outputs: outputs?.[id] ?? null };
        if (await this.mergeInto(trx, organization, id, fact, rows.get(id) ?? null, changes)) changed++;
        rows.delete(id);
      }
      for (const change of changes) change.baseline = baseline;
      const removed = [...rows.keys()];
      for (const ids of chunks(removed, 500)) {
        await trx(WORKSPACES).where({ organization }).whereIn('workspace_id', ids).delete();
        const runIds = (await trx(RUNS).where({ organization }).whereIn('workspace_id', ids).select('run_id')).map(r => r.run_id);
        await trx(RUNS).where({ organization }).whereIn('workspace_id', ids).delete();
        for (const chunk of chunks(runIds, 500)) await trx(PLAN_LOGS).where({ organization }).whereIn('run_id', chunk).delete();
      }
      await trx(ORGANIZATIONS)
        .insert({ organization, model: JSON.stringify(model), stored_at: new Date() })
        .onConflict('organization')
        .merge(['model', 'stored_at']);
      return { changed, removed };
    });
    this.merged(changes);
    return applied;
  }

  /**
   * What the next sync of the organization takes from its state: the names its entities have now,
   * by TFE id (names stay put when a colliding workspace appears later), and when each
   * workspace's known assessment was made (only newer ones are read).
   */
  async syncInputs(organization) {
    const names = {};
    const knownAssessments = {};
    for (const row of await this.knex(WORKSPACES).where({ organization }).select('workspace_id', 'state')) {
      const state = JSON.parse(row.state);
      names[row.workspace_id] = state.entity.metadata.name;
      if (state.drift?.assessedAt) knownAssessments[row.workspace_id] = state.drift.assessedAt;
    }
    const org = await this.knex(ORGANIZATIONS).where({ organization }).first();
    for (const e of org?.model ? JSON.parse(org.model) : []) {
      const { tfeId } = core.entityIds(e);
      if (tfeId) names[tfeId] = e.metadata.name;
    }
    return { previousNames: names, knownAssessments };
  }

  /** The refresh keys of these workspaces' entries (services naming them registered these). */
  async refreshKeys(organization, workspaceIds = null) {
    const q = this.knex(WORKSPACES).where({ organization }).select('state');
    if (workspaceIds) q.whereIn('workspace_id', workspaceIds);
    return (await q).flatMap(row => core.registryEntry(JSON.parse(row.state)).refreshKeys);
  }

  /** Every entity of the organization as the catalog should show it, and the change-feed cursor it reflects. */
  async renderOrganization(organization) {
    const cursor = await this.cursor(organization);
    const [rows, org] = await Promise.all([
      this.knex(WORKSPACES).where({ organization }),
      this.knex(ORGANIZATIONS).where({ organization }).first(),
    ]);
    if (!org?.model) return { entities: null, cursor };
    const workspaces = rows.map(row => core.renderWorkspace(JSON.parse(row.state)));
    return { entities: [...core.withSystemHealth(JSON.parse(org.model), workspaces), ...workspaces], cursor };
  }

  /**
   * The Systems of these workspaces' projects, rendered with their health (a change of a
   * workspace's run changes its System's): from the project's workspaces only, by the
   * `project_id` column.
   */
  async renderSystemsOf(organization, workspaceIds) {
    const projectIds = new Set();
    for (const ids of chunks([...new Set(workspaceIds)], 500)) {
      const rows = await this.knex(WORKSPACES).where({ organization }).whereIn('workspace_id', ids).whereNotNull('project_id').distinct('project_id');
      for (const row of rows) projectIds.add(row.project_id);
    }
    const org = projectIds.size ? await this.knex(ORGANIZATIONS).where({ organization }).first() : null;
    if (!org?.model) return [];
    const members = [];
    for (const ids of chunks([...projectIds], 500)) {
      const rows = await this.knex(WORKSPACES).where({ organization }).whereIn('project_id', ids);
      for (const row of rows) members.push(core.renderWorkspace(JSON.parse(row.state)));
    }
    return core.withSystemHealth(JSON.parse(org.model), members).filter(e => projectIds.has(core.entityIds(e).tfeId));
  }

  /** The rendered entities of these workspaces (those that still exist). */
  async renderWorkspaces(organization, workspaceIds) {
    const entities = [];
    for (const ids of chunks([...new Set(workspaceIds)], 500)) {
      const rows = await this.knex(WORKSPACES).where({ organization }).whereIn('workspace_id', ids);
      for (const row of rows) entities.push(core.renderWorkspace(JSON.parse(row.state)));
    }
    return entities;
  }

  async cursor(organization) {
    const row = await this.knex(CHANGES).where({ organization }).max({ id: 'id' }).first();
    return Number(row?.id ?? 0);
  }

  /** The workspaces changed after `cursor`, and the cursor after them. */
  async changesSince(organization, cursor) {
    const rows = await this.knex(CHANGES).where({ organization }).andWhere('id', '>', cursor).select('id', 'workspace_id');
    if (rows.length === 0) return { workspaceIds: [], cursor };
    return {
      workspaceIds: [...new Set(rows.map(r => r.workspace_id))],
      cursor: Math.max(...rows.map(r => Number(r.id))),
    };
  }

  /** Notes that a workspace's run history was read from TFE. */
  async markHistoryRead(organization, workspaceId, at) {
    await this.knex(WORKSPACES).where({ organization, workspace_id: workspaceId }).update({ history_read_at: at });
  }

  // -- runs -----------------------------------------------------------------------------------

  async run(organization, runId) {
    const row = await this.knex(RUNS).where({ organization, run_id: runId }).first();
    return row ? JSON.parse(row.record) : null;
  }

  /** The newest `limit` runs of a workspace. */
  async runsOfWorkspace(organization, workspaceId, limit = core.historyPolicy().historyLength) {
    const rows = await this.knex(RUNS)
      .where({ organization, workspace_id: workspaceId })
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map(row => JSON.parse(row.record));
  }

  /**
   * Replaces a run's record by `update(previous)` (previous may be null) if nobody wrote it in
   * between; `update` returns null to leave it. Resolves with the record now stored (or null).
   */
  async updateRun(organization, runId, update) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const row = await this.knex(RUNS).where({ organization, run_id: runId }).first();
      const previous = row ? JSON.parse(row.record) : null;
      const next = update(previous);
      if (!next) return previous;
      const columns = {
        workspace_id: next.workspaceId ?? row?.workspace_id ?? '',
        created_at: next.summary?.createdAt ?? row?.created_at ?? null,
        record: JSON.stringify(next),
        stored_at: new Date(),
      };
      if (row) {
        const n = await this.knex(RUNS)
          .where({ organization, run_id: runId, version: row.version })
          .update({ ...columns, version: row.version + 1 });
        if (n === 1) return next;
      } else {
        try {
          await this.knex(RUNS).insert({ organization, run_id: runId, ...columns, version: 1 });
          return next;
        } catch {
          // another writer stored it first: read again
        }
      }
    }
    throw new Error(`could not store run ${runId}: too much contention`);
  }

  /**
   * Retention of an organization's runs: per workspace the newest `keepPerWorkspace`, and none
   * created more than `maxAgeDays` ago (a workspace's current run is always kept); and a day of
   * the change feed. Resolves with the number of runs removed.
   */
  async pruneRuns(organization, { keepPerWorkspace, maxAgeDays }) {
    const current = new Set(
      (await this.knex(WORKSPACES).where({ organization }).whereNotNull('current_run_id').select('current_run_id')).map(r => r.current_run_id),
    );
    const cutoff = new Date(Date.now() - maxAgeDays * 86_400_000);
    const rows = await this.knex(RUNS).where({ organization }).select('organization', 'run_id', 'workspace_id', 'created_at', 'stored_at');
    const byWorkspace = new Map();
    for (const row of rows) {
      const key = `${row.organization}/${row.workspace_id}`;
      if (!byWorkspace.has(key)) byWorkspace.set(key, []);
      byWorkspace.get(key).push(row);
    }
    const doomed = [];
    for (const list of byWorkspace.values()) {
      list.sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')));
      list.forEach((row, i) => {
        if (current.has(row.run_id)) return;
        const created = row.created_at ? new Date(row.created_at) : new Date(row.stored_at);
        if (i >= keepPerWorkspace || created < cutoff) doomed.push(row);
      });
    }
    for (const row of doomed) {
      await this.knex(RUNS).where({ organization: row.organization, run_id: row.run_id }).delete();
      await this.knex(PLAN_LOGS).where({ organization: row.organization, run_id: row.run_id }).delete();
    }
    await this.knex(CHANGES).where({ organization }).andWhere('at', '<', new Date(Date.now() - 86_400_000)).delete();
    return doomed.length;
  }

  // -- organizations --------------------------------------------------------------------------

  /** The organization's OrganizationHealth, or null before its first sync outcome. */
  async health(organization) {
    const row = await this.knex(ORGANIZATIONS).where({ organization }).first();
    return row?.health ? JSON.parse(row.health) : null;
  }

  async putHealth(health) {
    await this.knex(ORGANIZATIONS)
      .insert({ organization: health.organization, health: JSON.stringify(health), stored_at: new Date() })
      .onConflict('organization')
      .merge(['health', 'stored_at']);
  }

  /** Forgets organizations no longer configured (their entities leave the catalog with their providers). */
  async forgetOrganizationsExcept(organizations) {
    for (const table of [WORKSPACES, RUNS, CHANGES, ORGANIZATIONS, PLAN_LOGS]) {
      await this.knex(table).whereNotIn('organization', organizations).delete();
    }
  }
}

function chunks(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

module.exports = { StateStore };
