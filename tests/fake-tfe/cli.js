#!/usr/bin/env node
'use strict';
// Runs the fake TFE as a process: prints one JSON line {"url": ...} once listening.
//   node tests/fake-tfe/cli.js [--port 0] [--token T] [--org NAME:WORKSPACES[:SEED]]... [--dir ORG:PATH]... [--no-rate-limit]
const { parseArgs } = require('node:util');
const { startFakeTfe, generateOrganization, loadOrganization } = require('./index');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    token: { type: 'string', default: 'fake-token' },
    org: { type: 'string', multiple: true, default: [] },
    dir: { type: 'string', multiple: true, default: [] },
    'no-rate-limit': { type: 'boolean', default: false },
  },
});
const organizations = [
  ...values.org.map(spec => {
    const [name, workspaces = '10', seed = '1'] = spec.split(':');
    return generateOrganization({ name, workspaces: Number(workspaces), seed: Number(seed) });
  }),
  ...values.dir.map(spec => {
    const [name, ...rest] = spec.split(':');
    return loadOrganization(rest.join(':'), name);
  }),
];
startFakeTfe({
  port: Number(values.port),
  organizations,
  tokens: { [values.token]: '*' },
  rateLimit: { enabled: !values['no-rate-limit'] },
}).then(fake => {
  process.stdout.write(JSON.stringify({ url: fake.url, organizations: organizations.map(o => o.name) }) + '\n');
});
