import React from 'react';
import { Divider } from '@material-ui/core';
import { EmptyState, InfoCard, Progress, ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useTerraformStatus } from '../hooks';
import { WorkspaceStatus } from './WorkspaceStatus';

/** The shared body of both cards: loading, error, problems, empty, then one block per workspace. */
export function TerraformStatusContent({ title, emptyTitle, emptyDescription, pollIntervalMs }) {
  const { entity } = useEntity();
  const entityName = { kind: entity.kind, namespace: entity.metadata.namespace, name: entity.metadata.name };
  const { loading, error, value, summaries } = useTerraformStatus(entityName, { pollIntervalMs });

  if (loading) return <InfoCard title={title}><Progress /></InfoCard>;
  if (error && !value) return <InfoCard title={title}><ResponseErrorPanel error={error} /></InfoCard>;

  const workspaces = value?.workspaces ?? [];
  const problems = value?.problems ?? [];
  const unavailable = problems.filter(p => p.noData);
  return (
    <InfoCard title={title}>
      {error && <WarningPanel severity="warning" title="Could not refresh the Terraform status" message={error.message} />}
      {workspaces.length === 0 && unavailable.length > 0 ? (
        unavailable.map(p => (
          <WarningPanel key={p.organization} severity="error" title="Terraform status unavailable" message={p.message} defaultExpanded />
        ))
      ) : (
        problems.map(p => (
          <WarningPanel key={p.organization} severity="warning" title="Terraform status may be out of date" message={p.message} />
        ))
      )}
      {workspaces.length === 0 && unavailable.length === 0 && (
        <EmptyState missing="data" title={emptyTitle} description={emptyDescription} />
      )}
      {workspaces.map((ws, i) => (
        <React.Fragment key={ws.workspace.id || i}>
          {i > 0 && <Divider />}
          <WorkspaceStatus workspace={ws} details={ws.run ? summaries[ws.run.id] : undefined} />
        </React.Fragment>
      ))}
    </InfoCard>
  );
}
