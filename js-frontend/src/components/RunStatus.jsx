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

/** The run's status, coloured by its bucket (the words say the same, for colour-blind readers). */
export function RunStatus({ run }) {
  const Icon = ICONS[run.bucket] ?? StatusPending;
  return (
    <span title={BUCKET_LABELS[run.bucket] ?? run.bucket} data-bucket={run.bucket}>
      <Icon>{statusText(run.status)}</Icon>
    </span>
  );
}
