// Bundles src/main.ts and its dependencies into one ESM file: dist/kstern.js.
// One file loads several times faster than client-node's many modules.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/kstern.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: { KSTERN_VERSION: JSON.stringify(version) },
  // Some CommonJS dependencies call require() on Node built-ins.
  banner: {
    js: "import { createRequire as __kstern_cr } from 'node:module'; const require = __kstern_cr(import.meta.url);",
  },
});
