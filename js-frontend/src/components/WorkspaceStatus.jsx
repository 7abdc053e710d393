import React from 'react';
import { Box, Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { age, duration } from '../format';
import { RunStatus } from './RunStatus';

function Line({ label, children }) {
  return (
    <Typography variant="body2" component="div">
      <Box component="span" fontWeight="fontWeightMedium">
        {label}:
      </Box>{' '}
      {children}
    </Typography>
  );
}

function Changes({ resources }) {
  if (!resources) return null;
  const { additions, changes, destructions, imports } = resources;
  return (
    <Line label="Resources">
      {`${additions} to add, ${changes} to change, ${destructions} to destroy`}
      {imports ? `, ${imports} to import` : ''}
    </Line>
  );
}

function Durations({ durations }) {
  const parts = [
    ['plan', durations?.planMs],
    ['apply', durations?.applyMs],
    ['total', durations?.totalMs],
  ]
    .map(([label, ms]) => duration(ms) && `${label} ${duration(ms)}`)
    .filter(Boolean);
  return parts.length ? <Line label="Durations">{parts.join(' · ')}</Line> : null;
}

function Drift({ drift }) {
  if (!drift?.state) return <Line label="Drift">not assessed</Line>;
  const when = drift.assessedAt ? ` (assessed ${age(drift.assessedAt)})` : '';
  const words = {
    drifted: `drifted: ${drift.resourcesDrifted ?? '?'} resources changed outside Terraform`,
    'checks-failed': 'continuous validation checks failed',
    'assessment-failed': 'the assessment failed',
    'no-drift': 'no drift',
  };
  return <Line label="Drift">{`${words[drift.state] ?? drift.state}${when}`}</Line>;
}

/** One workspace: its current run, the run's details when known, drift, blueprint, links. */
export function WorkspaceStatus({ workspace, details }) {
  const { run, blueprint, links = {} } = workspace;
  const summary = workspace.summary ?? details?.summary;
  const name = workspace.workspace.name ?? workspace.workspace.id;
  const runLink = summary?.links?.run ?? links.run;
  return (
    <Box py={1} aria-label={`Terraform workspace ${name}`} component="section">
      <Typography variant="subtitle1" component="h3">
        {links.workspace ? <Link to={links.workspace}>{name}</Link> : name}
      </Typography>
      {run ? (
        <>
          <Box display="flex" alignItems="center" flexWrap="wrap" aria-label="Current run">
            <RunStatus run={run} />
            <Typography variant="body2" component="span">
              &nbsp;·&nbsp;{runLink ? <Link to={runLink}>{run.id}</Link> : run.id}
              {run.updatedAt ? ` · ${age(run.updatedAt)}` : ''}
            </Typography>
          </Box>
          {summary?.message && <Line label="Message">{summary.message}</Line>}
          {summary?.createdBy && (
            <Line label="Triggered by">
              {summary.createdBy.username}
              {summary.createdAt ? ` · ${age(summary.createdAt)}` : ''}
            </Line>
          )}
          <Changes resources={summary?.resources} />
          <Durations durations={summary?.durations} />
          {details?.error && (
            <Typography variant="body2" color="error" role="alert">
              Run details unavailable: {details.error.message}
            </Typography>
          )}
        </>
      ) : (
        <Line label="Current run">none yet</Line>
      )}
      <Drift drift={workspace.drift} />
      {blueprint && (
        <Line label="Blueprint">
          {blueprint.entityRef ? <EntityRefLink entityRef={blueprint.entityRef} title={blueprint.path} /> : blueprint.path}
          {blueprint.version ? ` @ ${blueprint.version}` : ''}
        </Line>
      )}
    </Box>
  );
}
