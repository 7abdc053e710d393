// A strict TypeScript app's use of the package, as the README shows it: `npm run typecheck`
// compiles it against the package's declarations, and typecheck/exports.test.js checks that
// every name they declare is exported by the build and the other way round.
import React from 'react';
import { createApp } from '@backstage/frontend-defaults';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityTerraformBlueprintCard,
  EntityTerraformCard,
  EntityTerraformContent,
  TfeCatalogClient,
  isTerraformAvailable,
  isTerraformBlueprint,
  terraformPlugin,
  tfeCatalogApiRef,
  type TerraformEntityStatus,
} from '@tfe-catalog/backstage-plugin-terraform';
import terraformFrontendPlugin from '@tfe-catalog/backstage-plugin-terraform/alpha';

export const app = createApp({ features: [terraformFrontendPlugin] });

export function LegacyOverview({ entity }: { entity: Entity }) {
  if (isTerraformBlueprint(entity)) return <EntityTerraformBlueprintCard title="Instances" />;
  return isTerraformAvailable(entity) ? <EntityTerraformCard pollIntervalMs={30000} /> : <EntityTerraformContent />;
}

export const pluginId: string = terraformPlugin.getId();
export const apiId: string = tfeCatalogApiRef.id;

export async function workspaceNames(client: TfeCatalogClient): Promise<string[]> {
  const status: TerraformEntityStatus = await client.getEntityStatus({ kind: 'Component', name: 'payments' });
  const runs = await client.getRuns('acme', status.workspaces.map(ws => ws.workspace.name ?? ws.workspace.id));
  return runs.map(run => `${run.id} ${run.status}`);
}
