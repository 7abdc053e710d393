import React from 'react';
import { TerraformStatusContent } from './TerraformStatusContent';
import { ANNOTATE_HINT } from '../constants';

/** For a service (annotated with workspaces) or a workspace Resource. */
export function EntityTerraformCard({ title = 'Terraform', pollIntervalMs } = {}) {
  return (
    <TerraformStatusContent
      title={title}
      pollIntervalMs={pollIntervalMs}
      emptyTitle="No Terraform workspace"
      emptyDescription={ANNOTATE_HINT}
    />
  );
}
