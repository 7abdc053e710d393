'use strict';
// Reads tests/corpus the way crates/core/tests/corpus_cases does (see its doc comment).
const fs = require('node:fs');
const path = require('node:path');

const CORPUS = path.join(__dirname, '..', 'corpus');

function cases() {
  return fs
    .readdirSync(CORPUS)
    .filter(name => fs.existsSync(path.join(CORPUS, name, 'input')))
    .sort()
    .map(name => {
      const dir = path.join(CORPUS, name);
      const inputs = fs.readdirSync(path.join(dir, 'input')).sort();
      const read = f => fs.readFileSync(path.join(dir, f), 'utf8');
      const exists = f => fs.existsSync(path.join(dir, f));
      return {
        name,
        request: {
          documents: inputs.map(f => ({ name: f, text: read(path.join('input', f)) })),
          options: exists('options.json') ? JSON.parse(read('options.json')) : {},
          ...(exists('format.txt') ? { format: read('format.txt').trim() } : {}),
        },
        expected: exists('expected.json') ? read('expected.json') : undefined,
        expectedError: exists('expected-error.txt') ? read('expected-error.txt') : undefined,
      };
    });
}

module.exports = { cases };
