import React, { useMemo } from 'react';
import { Link, Table } from '@backstage/core-components';
import { age, BUCKET_LABELS } from '../format';
import { useTerraformStatus } from '../hooks';
import { RunStatus } from './RunStatus';
import { StatusStates, useEntityName } from './TerraformStatusContent';

const time = iso => Date.parse(iso ?? '') || 0;

// material-table keeps its sort state on the column objects: each table gets its own.
const makeColumns = () => [
  {
    title: 'Workspace',
    field: 'name',
    highlight: true,
    render: row => (row.links.workspace ? <Link to={row.links.workspace}>{row.name}</Link> : row.name),
  },
  {
    title: 'Status',
    field: 'statusLabel',
    render: row => (row.run ? <RunStatus run={row.run} /> : 'No run yet'),
    customSort: (a, b) => a.statusLabel.localeCompare(b.statusLabel),
  },
  {
    title: 'Version',
    field: 'version',
    render: row => (row.outdated ? <span data-outdated="true">{`${row.version} → ${row.latestVersion}`}</span> : row.version ?? '—'),
  },
  {
    title: 'Age',
    field: 'updatedAt',
    render: row => (row.updatedAt ? <span title={row.updatedAt}>{age(row.updatedAt)}</span> : '—'),
    customSort: (a, b) => time(a.updatedAt) - time(b.updatedAt),
    customFilterAndSearch: (term, row) => (age(row.updatedAt) ?? '').includes(term),
  },
];

function rowOf(ws) {
  return {
    id: ws.workspace.id,
    name: ws.workspace.name ?? ws.workspace.id,
    run: ws.run,
    statusLabel: ws.run ? BUCKET_LABELS[ws.run.bucket] ?? ws.run.bucket : 'No run yet',
    version: ws.blueprint?.version,
    latestVersion: ws.blueprint?.latestVersion,
    outdated: Boolean(ws.blueprint?.outdated),
    updatedAt: ws.run?.updatedAt,
    links: ws.links ?? {},
  };
}

function InstancesTable({ title, workspaces }) {
  const columns = useMemo(makeColumns, []);
  // Newest run first. New row objects only when the instances changed, so the table keeps its sorting and paging.
  const rows = useMemo(() => workspaces.map(rowOf).sort((a, b) => time(b.updatedAt) - time(a.updatedAt)), [workspaces]);
  const behind = rows.filter(row => row.outdated).length;
  const plural = n => `${n} instance${n === 1 ? '' : 's'}`;
  return (
    <Table
      title={title}
      subtitle={`${plural(rows.length)} · ${plural(behind)} behind`}
      columns={columns}
      data={rows}
      filters={[{ column: 'Status', type: 'multiple-select' }]}
      options={{ search: true, paging: rows.length > 10, pageSize: 10, padding: 'dense', draggable: false }}
    />
  );
}

/**
 * For a blueprint template: its instances in a sortable table (workspace, status, version, age),
 * searchable, and filterable by status; how many are behind the template's newest usable version,
 * and each one's upgrade (`1.0.0 → 1.2.0`).
 */
export function EntityTerraformBlueprintCard({ title = 'Terraform instances', pollIntervalMs } = {}) {
  const state = useTerraformStatus(useEntityName(), { pollIntervalMs });
  return (
    <StatusStates
      title={title}
      state={state}
      emptyTitle="No workspace uses this blueprint yet"
      emptyDescription="Workspaces created from this module (no-code, or tagged blueprint:<module>) appear here once synced."
    >
      {(value, notices) => (
        <>
          {notices}
          <InstancesTable title={title} workspaces={value.workspaces} />
        </>
      )}
    </StatusStates>
  );
}
