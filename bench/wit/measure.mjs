// Maps the same pages through the jco-transpiled WIT component and through the shipped C-ABI
// module (js-shim/src/core.js), in separate processes, printing MB/s and peak RSS of each.
// Usage: node measure.mjs <component js> <page files...>   (run by measure.sh)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [which, component, ...files] = process.argv.slice(2);

if (which === 'child-wit' || which === 'child-cabi') {
  const documents = files.map(f => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
  const bytes = documents.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  const map = which === 'child-wit'
    ? (await import(pathToFileURL(component).href)).map.bind(null, documents, '{}')
    : (await import(pathToFileURL(path.join(here, '../../js-shim/src/core.js')).href)).default.mapDocuments.bind(null, { documents });
  const first = map();
  const iterations = 5;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) map();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  console.log(JSON.stringify({ entities: JSON.parse(first).length, MBps: +(bytes * iterations / seconds / 1e6).toFixed(1), peakRssMiB: Math.round(hwm / 1024), outputBytes: first.length }));
} else {
  for (const child of ['child-cabi', 'child-wit']) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), child, component, ...files], { maxBuffer: 1 << 30 }).toString();
    console.log(child.replace('child-', ''), out.trim());
  }
}
