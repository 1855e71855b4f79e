// Layer rules for src/ (run by `npm run lint`). Imports point one way, from the edge down to the domain
// model:  main/run/cli/stdin  →  output  →  tail  →  kube  →  config  →  targets  →  core  →  util
// (output implements tail's LineSink; tail never imports output). No cycles at any level.
const layers = ['util', 'core', 'targets', 'config', 'kube', 'tail', 'output'];
const above = (i) => layers.slice(i + 1).concat(['cli']);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle ties modules together: split the shared part out, downward.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layers.map((layer, i) => ({
      name: `no-upward-import-from-${layer}`,
      severity: 'error',
      comment: `src/${layer}/ may import only the layers below it (${layers.slice(0, i).join(', ') || 'none'}).`,
      from: { path: `^src/${layer}/` },
      to: { path: [`^src/(${above(i).join('|')})/`, '^src/[^/]+\\.ts$'] },
    })),
    {
      name: 'packages-stand-alone',
      severity: 'error',
      comment: 'A workspace package (packages/*) is a library: it never imports the application.',
      from: { path: '^packages/' },
      to: { path: '^src/' },
    },
    {
      name: 'only-kube-imports-client-node-and-http2',
      severity: 'error',
      comment:
        'The one seam to Kubernetes (README, How it works): only src/kube/ and kubeconfig loading talk to the libraries.',
      from: { path: '^src/', pathNot: '^src/(kube|config)/' },
      to: { path: ['node_modules/@kubernetes/client-node', '^(node:)?http2$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
