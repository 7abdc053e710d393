import React from 'react';
import { Divider, Grid } from '@material-ui/core';
import { EmptyState, InfoCard, Progress, ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useTerraformStatus } from '../hooks';
import { WorkspaceStatus } from './WorkspaceStatus';
import { InfrastructureHealth } from './RunStatus';
import { Field } from './Field';

/** The entity of the page as the status routes name it. */
export function useEntityName() {
  const { entity } = useEntity();
  return { kind: entity.kind, namespace: entity.metadata.namespace, name: entity.metadata.name };
}

/**
 * What every view of an entity's status shows before its data: loading, the error when nothing
 * could be read, the sync problems (unavailable or maybe out of date), and the empty state. Renders
 * `children(value)` inside `frame` once there is something to show.
 */
export function StatusStates({ title, state, emptyTitle, emptyDescription, children }) {
  const { loading, error, value } = state;
  if (loading) return <InfoCard title={title}><Progress /></InfoCard>;
  if (error && !value) return <InfoCard title={title}><ResponseErrorPanel error={error} /></InfoCard>;
  const workspaces = value?.workspaces ?? [];
  const problems = value?.problems ?? [];
  const unavailable = problems.filter(p => p.noData);
  const notices = (
    <>
      {error && <WarningPanel severity="warning" title="Could not refresh the Terraform status" message={error.message} />}
      {workspaces.length === 0 && unavailable.length > 0
        ? unavailable.map(p => (
            <WarningPanel key={p.organization} severity="error" title="Terraform status unavailable" message={p.message} defaultExpanded />
          ))
        : problems.map(p => (
            <WarningPanel key={p.organization} severity="warning" title="Terraform status may be out of date" message={p.message} />
          ))}
    </>
  );
  if (workspaces.length === 0) {
    return (
      <InfoCard title={title}>
        {notices}
        {unavailable.length === 0 && <EmptyState missing="data" title={emptyTitle} description={emptyDescription} />}
      </InfoCard>
    );
  }
  return children(value, notices);
}

/** A service's, a System's or a workspace's card: the infrastructure health (not on a workspace's own page), then one compact block per workspace. */
export function TerraformStatusContent({ title, emptyTitle, emptyDescription, pollIntervalMs }) {
  const name = useEntityName();
  const state = useTerraformStatus(name, { pollIntervalMs });
  return (
    <StatusStates title={title} state={state} emptyTitle={emptyTitle} emptyDescription={emptyDescription}>
      {(value, notices) => (
        <InfoCard title={title}>
          {notices}
          {name.kind !== 'Resource' && value.health && (
            <Grid container spacing={1}>
              <Field label="Infrastructure health" wide>
                <InfrastructureHealth health={value.health} />
              </Field>
            </Grid>
          )}
          {value.workspaces.map((ws, i) => (
            <React.Fragment key={ws.workspace.id || i}>
              {i > 0 && <Divider />}
              <WorkspaceStatus workspace={ws} details={ws.run ? state.summaries[ws.run.id] : undefined} />
            </React.Fragment>
          ))}
        </InfoCard>
      )}
    </StatusStates>
  );
}
