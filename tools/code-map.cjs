// Writes the README's code map from tools/layers.cjs (`npm run docs:code-map`); with --check (in `npm run lint`)
// it only fails when the README's map differs, so the map cannot drift from the enforced layers.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { LAYERS } = require('./layers.cjs');

const START = '<!-- code-map:start -->';
const END = '<!-- code-map:end -->';

function codeMap() {
  const rows = [...LAYERS]
    .reverse()
    .flatMap(({ layer, name, folders }) =>
      folders.map((f) => `| ${layer} | ${name} | \`src/${f.path}\` | ${f.owns} |`),
    );
  return [
    START,
    '| layer | | where | owns |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'A folder imports only folders of lower layers, never one of its own layer or above, and no import cycles: ' +
      '`tools/layers.cjs` says which layer each folder is on, `npm run lint` enforces it (dependency-cruiser) ' +
      'and writes nothing; `npm run docs:code-map` regenerates this table.',
    END,
  ].join('\n');
}

const readme = join(__dirname, '..', 'README.md');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(START);
const end = text.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} ... ${END} section`);
  process.exit(1);
}
const updated = text.slice(0, start) + codeMap() + text.slice(end + END.length);
if (process.argv.includes('--check')) {
  if (updated !== text) {
    console.error('README.md code map differs from tools/layers.cjs: run npm run docs:code-map');
    process.exit(1);
  }
} else {
  writeFileSync(readme, updated);
}
