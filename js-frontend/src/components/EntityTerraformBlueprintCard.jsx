import React from 'react';
import { TerraformStatusContent } from './TerraformStatusContent';

/** For a blueprint template: every workspace instantiating it, with its status. */
export function EntityTerraformBlueprintCard({ title = 'Terraform instances', pollIntervalMs } = {}) {
  return (
    <TerraformStatusContent
      title={title}
      pollIntervalMs={pollIntervalMs}
      emptyTitle="No workspace uses this blueprint yet"
      emptyDescription="Workspaces created from this module (no-code, or tagged blueprint:<module>) appear here once synced."
    />
  );
}
