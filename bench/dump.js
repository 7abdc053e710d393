#!/usr/bin/env node
'use strict';
// Writes the pages of a generated organization (default 10,000 workspaces) as the sync reads them
// into a directory, for measurements that map pages without the sync (bench/wit/measure.sh).
// Usage: node bench/dump.js <dir> [workspaces]
const fs = require('node:fs');
const path = require('node:path');
const { startFakeTfe, generateOrganization } = require('../tests/fake-tfe');
const { dumpPages } = require('./run');

async function main() {
  const [dir, workspaces = '10000'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: node bench/dump.js <dir> [workspaces]');
  fs.mkdirSync(dir, { recursive: true });
  const org = generateOrganization({ name: 'bench', workspaces: Number(workspaces), seed: 1 });
  const fake = await startFakeTfe({ organizations: [org], tokens: { 'bench-token': ['bench'] } });
  fake.rateLimit.enabled = false;
  try {
    const files = await dumpPages(fake, 'bench', dir);
    console.log(`${files.length} pages in ${path.resolve(dir)}`);
  } finally {
    await fake.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
