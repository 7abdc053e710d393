import React, { useEffect, useState } from 'react';
import { Box, Button, Grid } from '@material-ui/core';
import { InfoCard, LogViewer, Progress, ResponseErrorPanel, SubvalueCell, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { tfeCatalogApiRef } from '../api';
import { age, statusText } from '../format';
import { useTerraformStatus } from '../hooks';
import { TerraformStatusContent, useEntityName } from './TerraformStatusContent';
import { ANNOTATE_HINT, ANNOTATIONS } from '../constants';

/** The organization an entity's workspaces belong to, from either annotation set. */
function organizationOf(entity) {
  const annotations = entity.metadata.annotations ?? {};
  return annotations[ANNOTATIONS.organization] ?? annotations[ANNOTATIONS.communityOrganization];
}

function PlanLog({ runId }) {
  const api = useApi(tfeCatalogApiRef);
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    setState({ loading: true });
    api.getPlanLog(runId).then(text => setState({ text }), error => setState({ error }));
  }, [api, runId]);
  return (
    <InfoCard title={`Plan log of ${runId}`}>
      {state.loading && <Progress />}
      {state.error && <ResponseErrorPanel error={state.error} />}
      {state.text !== undefined && (
        <Box height={480}>
          <LogViewer text={state.text} />
        </Box>
      )}
    </InfoCard>
  );
}

/** Every run the plugin has seen of the entity's workspaces, newest first, each with its plan log. */
function RunHistory({ organization, workspaceNames, onOpenLog }) {
  const api = useApi(tfeCatalogApiRef);
  const [state, setState] = useState({ loading: true });
  const key = workspaceNames.join(',');
  useEffect(() => {
    if (!organization || workspaceNames.length === 0) return;
    api.getRuns(organization, workspaceNames).then(runs => setState({ runs }), error => setState({ error }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, organization, key]);
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const columns = [
    {
      title: 'Run',
      field: 'id',
      highlight: true,
      render: run => <SubvalueCell value={run.id} subvalue={run.workspace?.name} />,
      customFilterAndSearch: (term, run) => `${run.id} ${run.workspace?.name ?? ''}`.includes(term),
    },
    { title: 'Status', field: 'status', render: run => statusText(run.status) },
    { title: 'Message', field: 'message' },
    { title: 'Triggered by', field: 'confirmedBy.name' },
    {
      title: 'Created',
      field: 'createdAt',
      render: run => (run.createdAt ? <span title={run.createdAt}>{age(run.createdAt)}</span> : '—'),
    },
    {
      title: 'Plan',
      field: 'plan',
      sorting: false,
      searchable: false,
      render: run => (
        <Button size="small" variant="outlined" onClick={() => onOpenLog(run.id)} aria-label={`Plan log of ${run.id}`}>
          Log
        </Button>
      ),
    },
  ];
  return (
    <Table
      title="Runs"
      isLoading={state.loading}
      columns={columns}
      data={state.runs ?? []}
      options={{ search: true, paging: (state.runs?.length ?? 0) > 20, pageSize: 20, padding: 'dense', draggable: false }}
    />
  );
}

/**
 * The entity's "Terraform" tab: the current status of its workspaces, the run history the plugin
 * has seen, and each run's plan log (read through the plugin, never from TFE by the browser).
 */
export function EntityTerraformContent({ pollIntervalMs } = {}) {
  const { entity } = useEntity();
  const status = useTerraformStatus(useEntityName(), { pollIntervalMs });
  const [openLog, setOpenLog] = useState();
  const workspaceNames = (status.value?.workspaces ?? []).map(ws => ws.workspace.name).filter(Boolean);
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={4} data-card="terraform-status">
        <TerraformStatusContent
          title="Terraform"
          pollIntervalMs={pollIntervalMs}
          emptyTitle="No Terraform workspace"
          emptyDescription={ANNOTATE_HINT}
        />
      </Grid>
      <Grid item xs={12} md={8} data-card="terraform-runs">
        {workspaceNames.length > 0 && (
          <RunHistory organization={organizationOf(entity)} workspaceNames={workspaceNames} onOpenLog={setOpenLog} />
        )}
      </Grid>
      {openLog && (
        <Grid item xs={12} data-card="terraform-plan-log">
          <PlanLog runId={openLog} />
        </Grid>
      )}
    </Grid>
  );
}
