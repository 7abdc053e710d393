import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { TfeCatalogClient, tfeCatalogApiRef } from './api';

/** The plugin's id, shared with the backend (whose routes live at `/api/terraform`). */
export const PLUGIN_ID = 'terraform';

/** The client's API factory, for both frontend systems. */
export const tfeCatalogApiFactory = createApiFactory({
  api: tfeCatalogApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) => new TfeCatalogClient({ discoveryApi, fetchApi }),
});

/** The plugin for Backstage's legacy frontend system (`createApp` from `@backstage/app-defaults`). */
export const terraformPlugin = createPlugin({ id: PLUGIN_ID, apis: [tfeCatalogApiFactory] });

/** @deprecated the same plugin under its earlier name; use `terraformPlugin`. */
export const tfeCatalogPlugin = terraformPlugin;

/** The Terraform status of a Component's (or a workspace Resource's) workspaces. */
export const EntityTerraformCard = terraformPlugin.provide(
  createComponentExtension({
    name: 'EntityTerraformCard',
    component: { lazy: () => import('./components/EntityTerraformCard').then(m => m.EntityTerraformCard) },
  }),
);

/** A blueprint template's instances and their status, in a sortable, filterable table. */
export const EntityTerraformBlueprintCard = terraformPlugin.provide(
  createComponentExtension({
    name: 'EntityTerraformBlueprintCard',
    component: {
      lazy: () => import('./components/EntityTerraformBlueprintCard').then(m => m.EntityTerraformBlueprintCard),
    },
  }),
);

/** An entity tab: the workspaces' status, their run history and plan logs. */
export const EntityTerraformContent = terraformPlugin.provide(
  createComponentExtension({
    name: 'EntityTerraformContent',
    component: { lazy: () => import('./components/EntityTerraformContent').then(m => m.EntityTerraformContent) },
  }),
);
