// Layering of src/, enforced in `npm run lint` (tools/layers.cjs describes the layers).
const { LAYERS, pattern } = require('./tools/layers.cjs');

const folders = LAYERS.flatMap(({ layer, folders }) => folders.map((f) => ({ ...f, layer })));

/** For each folder: it may not import a folder of its own layer or of a higher one. */
const layerRules = folders.map((from) => ({
  name: `layer-${from.path}`,
  severity: 'error',
  comment: `${from.path} (layer ${from.layer}) may import only lower layers: no arrow runs up or across`,
  from: { path: pattern(from.path) },
  to: {
    path: folders
      .filter((to) => to.path !== from.path && to.layer >= from.layer)
      .map((to) => pattern(to.path)),
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    { name: 'no-circular', severity: 'error', comment: 'no import cycle', from: {}, to: { circular: true } },
    {
      name: 'known-folder',
      severity: 'error',
      comment: 'every folder of src/ has its place in tools/layers.cjs',
      from: { path: '^src/', pathNot: folders.map((f) => pattern(f.path)) },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to nothing',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
