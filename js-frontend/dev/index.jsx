// A Backstage app for the real-browser tests and for trying the cards by hand: createApp from
// @backstage/app-defaults (real discovery and fetch APIs), an entity page at
// /catalog/:namespace/:kind/:name rendering our cards and /catalog/:namespace/:kind/:name/terraform
// our Terraform tab, reading the backend this page is served with. Both our plugin and the
// GlobalLogic card's have the id `terraform`, and an app holds one plugin per id, so the GlobalLogic
// card is a second app in the same bundle, under /globallogic/catalog/... (chosen at load).
import React from 'react';
import { createRoot } from 'react-dom/client';
import { Route, useParams } from 'react-router-dom';
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { Content, Header, Page, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { createPlugin, createRoutableExtension, fetchApiRef, discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityProvider, entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import { Grid } from '@material-ui/core';
import {
  terraformPlugin as globallogicPlugin,
  EntityTerraformLatestRunCard as GlobalLogicLatestRunCard,
  EntityTerraformContent as GlobalLogicRunsContent,
} from '@globallogicuki/backstage-plugin-terraform';
import {
  terraformPlugin,
  EntityTerraformCard,
  EntityTerraformBlueprintCard,
  EntityTerraformContent,
  isTerraformBlueprint,
} from '../src';

const GLOBALLOGIC = window.location.pathname.startsWith('/globallogic/');

function useEntityFromCatalog() {
  const { namespace, kind, name } = useParams();
  const fetchApi = useApi(fetchApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const [state, setState] = React.useState({ loading: true });
  React.useEffect(() => {
    (async () => {
      const base = await discoveryApi.getBaseUrl('catalog');
      const res = await fetchApi.fetch(`${base}/entities/by-name/${kind}/${namespace}/${name}`);
      if (!res.ok) throw new Error(`catalog answered ${res.status}`);
      setState({ entity: await res.json() });
    })().catch(error => setState({ error }));
  }, [discoveryApi, fetchApi, kind, namespace, name]);
  return state;
}

/** Loads the entity of the route into the entity context, as the catalog's entity page does. */
function EntityLoader({ children }) {
  const { entity, error, loading } = useEntityFromCatalog();
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return <EntityProvider entity={entity}>{children}</EntityProvider>;
}

const poll = () => Number(new URLSearchParams(window.location.search).get('poll') ?? 2000);

function EntityPageFrame({ children }) {
  const { entity } = useEntity();
  return (
    <Page themeId="tool">
      <Header title={entity.metadata.title ?? entity.metadata.name} subtitle={`${entity.kind} · ${entity.metadata.namespace}`} />
      <Content>{children}</Content>
    </Page>
  );
}

function EntityPage() {
  const { entity } = useEntity();
  return (
    <EntityPageFrame>
      <Grid container spacing={3}>
        <Grid item xs={12} md={isTerraformBlueprint(entity) ? 8 : 6} data-card="tfe-catalog">
          {isTerraformBlueprint(entity) ? (
            <EntityTerraformBlueprintCard pollIntervalMs={poll()} />
          ) : (
            <EntityTerraformCard pollIntervalMs={poll()} />
          )}
        </Grid>
      </Grid>
    </EntityPageFrame>
  );
}

function GlobalLogicEntityPage() {
  return (
    <EntityPageFrame>
      <Grid container spacing={3}>
        <Grid item xs={12} md={6} data-card="globallogic">
          <GlobalLogicLatestRunCard />
        </Grid>
      </Grid>
    </EntityPageFrame>
  );
}

// Stands in for the catalog plugin: mounting its entity route lets EntityRefLink link entities.
const harnessPlugin = createPlugin({ id: 'harness', routes: { entity: entityRouteRef } });
const HarnessEntityPage = harnessPlugin.provide(
  createRoutableExtension({
    name: 'HarnessEntityPage',
    mountPoint: entityRouteRef,
    component: () => Promise.resolve(() => (
      <EntityLoader>{GLOBALLOGIC ? <GlobalLogicEntityPage /> : <EntityPage />}</EntityLoader>
    )),
  }),
);

const origin = window.location.origin;
const app = createApp({
  plugins: [harnessPlugin, GLOBALLOGIC ? globallogicPlugin : terraformPlugin],
  configLoader: async () => [
    { context: 'harness', data: { app: { title: 'tfe-catalog', baseUrl: origin }, backend: { baseUrl: origin } } },
  ],
});

createRoot(document.getElementById('root')).render(
  app.createRoot(
    <AppRouter>
      {GLOBALLOGIC ? (
        <FlatRoutes>
          <Route path="/globallogic/catalog/:namespace/:kind/:name" element={<HarnessEntityPage />} />
          {/* GlobalLogic's runs table is a routable extension: it must sit in the route tree. */}
          <Route
            path="/globallogic/catalog/:namespace/:kind/:name/terraform-runs"
            element={<EntityLoader><div data-card="globallogic-runs"><GlobalLogicRunsContent /></div></EntityLoader>}
          />
        </FlatRoutes>
      ) : (
        <FlatRoutes>
          <Route path="/catalog/:namespace/:kind/:name" element={<HarnessEntityPage />} />
          <Route
            path="/catalog/:namespace/:kind/:name/terraform"
            element={<EntityLoader><EntityPageFrame><EntityTerraformContent pollIntervalMs={poll()} /></EntityPageFrame></EntityLoader>}
          />
        </FlatRoutes>
      )}
    </AppRouter>,
  )(),
);
