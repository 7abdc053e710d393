import React from 'react';
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { BUCKET_LABELS, statusText } from '../format';

const ICONS = {
  success: StatusOK,
  failure: StatusError,
  canceled: StatusAborted,
  'needs-attention': StatusWarning,
  'in-progress': StatusRunning,
  unknown: StatusPending,
};

/** The run's status with Backstage's status component for its bucket (the words say the same, for colour-blind readers). */
export function RunStatus({ run }) {
  const Icon = ICONS[run.bucket] ?? StatusPending;
  return (
    <span title={BUCKET_LABELS[run.bucket] ?? run.bucket} data-bucket={run.bucket}>
      <Icon>{statusText(run.status)}</Icon>
    </span>
  );
}

/** A service's or a System's infrastructure health: its workspaces' worst current bucket, and drift. */
export function InfrastructureHealth({ health }) {
  if (!health?.bucket) return <StatusPending>No run yet</StatusPending>;
  const Icon = ICONS[health.bucket] ?? StatusPending;
  const label = BUCKET_LABELS[health.bucket] ?? health.bucket;
  return (
    <span data-health={health.bucket}>
      <Icon>{`${label}${health.drifted ? ', drifted' : ''}`}</Icon>
    </span>
  );
}

const DRIFT = {
  drifted: [StatusWarning, d => `Drifted: ${d.resourcesDrifted ?? '?'} resources`],
  'checks-failed': [StatusError, () => 'Checks failed'],
  'assessment-failed': [StatusError, () => 'Assessment failed'],
  'no-drift': [StatusOK, () => 'No drift'],
};

/** The last health assessment: drifted, checks failed, no drift, or not assessed. */
export function DriftStatus({ drift }) {
  if (!drift?.state) return <StatusPending>Not assessed</StatusPending>;
  const [Icon, words] = DRIFT[drift.state] ?? [StatusPending, d => d.state];
  return <Icon>{words(drift)}</Icon>;
}
