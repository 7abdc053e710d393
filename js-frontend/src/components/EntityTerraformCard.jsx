import React from 'react';
import { TerraformStatusContent } from './TerraformStatusContent';

/** For a service (annotated with workspaces) or a workspace Resource. */
export function EntityTerraformCard({ title = 'Terraform', pollIntervalMs } = {}) {
  return (
    <TerraformStatusContent
      title={title}
      pollIntervalMs={pollIntervalMs}
      emptyTitle="No Terraform workspace"
      emptyDescription="Annotate this entity with terraform.io/organization and terraform.io/workspace-id (or terraform/organization and terraform/workspace), and check that the workspace is synced into the catalog."
    />
  );
}
