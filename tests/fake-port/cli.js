#!/usr/bin/env node
'use strict';
// Runs the fake Port as a process: prints one JSON line {"url": ...} once listening.
//   node tests/fake-port/cli.js [--port 0] [--client-id ID] [--client-secret SECRET] [--rate-limit N/SECONDS]
const { parseArgs } = require('node:util');
const { startFakePort } = require('./index');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string', default: 'fake-client' },
    'client-secret': { type: 'string', default: 'fake-secret' },
    'rate-limit': { type: 'string', default: '15000/300' },
  },
});
const [limit, windowSeconds] = values['rate-limit'].split('/').map(Number);
startFakePort({
  port: Number(values.port),
  credentials: { [values['client-id']]: values['client-secret'] },
  rateLimit: { limit, windowSeconds },
}).then(fake => process.stdout.write(JSON.stringify({ url: fake.url }) + '\n'));
