import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { TfeCatalogClient, tfeCatalogApiRef } from './api';

export const tfeCatalogPlugin = createPlugin({
  id: 'tfe-catalog',
  apis: [
    createApiFactory({
      api: tfeCatalogApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new TfeCatalogClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/** The Terraform status of a Component's (or a workspace Resource's) workspaces. */
export const EntityTerraformCard = tfeCatalogPlugin.provide(
  createComponentExtension({
    name: 'EntityTerraformCard',
    component: { lazy: () => import('./components/EntityTerraformCard').then(m => m.EntityTerraformCard) },
  }),
);

/** A blueprint template's instances and their status. */
export const EntityTerraformBlueprintCard = tfeCatalogPlugin.provide(
  createComponentExtension({
    name: 'EntityTerraformBlueprintCard',
    component: {
      lazy: () => import('./components/EntityTerraformBlueprintCard').then(m => m.EntityTerraformBlueprintCard),
    },
  }),
);
