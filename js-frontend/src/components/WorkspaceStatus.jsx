import React from 'react';
import { Box, Grid, Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { age } from '../format';
import { DriftStatus, RunStatus } from './RunStatus';
import { Field } from './Field';
import { Outputs, TriggeredBy, TriggeredWhat, WorkspaceFactFields } from './WorkspaceFacts';

/** "+3 ~1 −0", with the words for screen readers and a tooltip. */
function Changes({ resources }) {
  if (!resources) return null;
  const { additions, changes, destructions, imports } = resources;
  const words = `${additions} to add, ${changes} to change, ${destructions} to destroy${imports ? `, ${imports} to import` : ''}`;
  return (
    <span title={words} aria-label={words}>
      {`+${additions} ~${changes} −${destructions}${imports ? ` ↓${imports}` : ''}`}
    </span>
  );
}

/** One workspace, compactly: run, status, when, who, changes, drift, blueprint. */
export function WorkspaceStatus({ workspace, details }) {
  const { run, blueprint, links = {} } = workspace;
  const summary = workspace.summary ?? details?.summary;
  const name = workspace.workspace.name ?? workspace.workspace.id;
  const runLink = summary?.links?.run ?? links.run;
  return (
    <Box py={1} aria-label={`Terraform workspace ${name}`} component="section">
      <Box display="flex" alignItems="baseline" justifyContent="space-between" flexWrap="wrap">
        <Typography variant="subtitle1" component="h3">
          {links.workspace ? <Link to={links.workspace}>{name}</Link> : name}
        </Typography>
        {summary?.message && (
          <Typography variant="caption" color="textSecondary" component="div">
            {summary.message}
          </Typography>
        )}
      </Box>
      <Grid container spacing={1}>
        <Field label="Run">{run ? runLink ? <Link to={runLink}>{run.id}</Link> : run.id : 'None yet'}</Field>
        <Field label="Status">{run ? <RunStatus run={run} /> : undefined}</Field>
        <Field label="When">{run?.updatedAt ? <span title={run.updatedAt}>{age(run.updatedAt)}</span> : undefined}</Field>
        <Field label="Who"><TriggeredBy trigger={summary?.trigger ?? workspace.trigger} createdBy={summary?.createdBy} /></Field>
        <Field label="What"><TriggeredWhat trigger={summary?.trigger ?? workspace.trigger} /></Field>
        <Field label="Changes"><Changes resources={summary?.resources} /></Field>
        <Field label="Drift"><DriftStatus drift={workspace.drift} /></Field>
        <WorkspaceFactFields facts={workspace.facts} />
        {blueprint && (
          <Field label="Blueprint" wide>
            {blueprint.entityRef ? <EntityRefLink entityRef={blueprint.entityRef} title={blueprint.path} /> : blueprint.path}
            {blueprint.version ? ` @ ${blueprint.version}` : ''}
            {blueprint.outdated && (
              <Typography component="span" variant="body2" color="error" data-outdated="true">
                {` outdated blueprint (${blueprint.version} → ${blueprint.latestVersion})`}
              </Typography>
            )}
          </Field>
        )}
        <Outputs outputs={workspace.outputs} />
      </Grid>
      {details?.error && (
        <Typography variant="body2" color="error" role="alert">
          Run details unavailable: {details.error.message}
        </Typography>
      )}
    </Box>
  );
}
