'use strict';
// How the catalog module asks the `terraform` plugin for what it renders: Backstage's service-to-
// service auth over HTTP, so it works in one backend, across replicas, and with the two plugins in
// different deployments.

class PluginClient {
  constructor({ discovery, auth, lifecycle }) {
    this.discovery = discovery;
    this.auth = auth;
    /** Set once the backend stops: a failed call then is the shutdown, not a problem to report. */
    this.stopping = false;
    lifecycle?.addShutdownHook(() => {
      this.stopping = true;
    });
  }

  async get(path) {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'terraform',
    });
    const base = await this.discovery.getBaseUrl('terraform');
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`the terraform plugin answered ${res.status} for ${path.split('?')[0]}`);
    return res.json();
  }
}

module.exports = { PluginClient };
