// The plugin for Backstage's new frontend system (`createApp` from `@backstage/frontend-defaults`):
// adding the package to the app is all it takes. Its extensions put our card on the pages of
// services and workspaces, the blueprint table on blueprint templates, and a "Terraform" tab on
// both kinds of page; the filters are the same predicates the legacy EntitySwitch uses.
import React from 'react';
import { ApiBlueprint, createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isTerraformAvailable, isTerraformBlueprint } from './conditions';
import { PLUGIN_ID, tfeCatalogApiFactory } from './plugin';

const api = ApiBlueprint.make({ params: defineParams => defineParams(tfeCatalogApiFactory) });

const statusCard = EntityCardBlueprint.make({
  name: 'status',
  params: {
    filter: isTerraformAvailable,
    loader: () => import('./components/EntityTerraformCard').then(m => <m.EntityTerraformCard />),
  },
});

const blueprintCard = EntityCardBlueprint.make({
  name: 'blueprint',
  params: {
    filter: isTerraformBlueprint,
    loader: () => import('./components/EntityTerraformBlueprintCard').then(m => <m.EntityTerraformBlueprintCard />),
  },
});

const runsContent = EntityContentBlueprint.make({
  name: 'runs',
  params: {
    path: 'terraform',
    title: 'Terraform',
    filter: isTerraformAvailable,
    loader: () => import('./components/EntityTerraformContent').then(m => <m.EntityTerraformContent />),
  },
});

/** The Terraform frontend plugin (id `terraform`, like its backend). */
const terraformPlugin = createFrontendPlugin({
  pluginId: PLUGIN_ID,
  info: { packageJson: () => import('../package.json') },
  extensions: [api, statusCard, blueprintCard, runsContent],
});

export default terraformPlugin;
export { terraformPlugin };
