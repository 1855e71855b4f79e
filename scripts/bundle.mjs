// The esbuild bundle of src/main.ts and everything it imports into one ESM file, plus the third-party
// notices for what went into it. scripts/build.mjs writes both; tests rebuild in memory to compare.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bundledPackages, renderNotices } from './notices.mjs';

const ROOT = new URL('..', import.meta.url);

/** Builds in memory: { js, notices, packages }. Nothing is written. */
export async function bundle() {
  const { version } = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8'));
  const cwd = decodeURIComponent(ROOT.pathname);
  const result = await build({
    absWorkingDir: cwd,
    entryPoints: ['src/main.ts'],
    outfile: 'dist/kstern.js',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // No source map: the package does not ship src/, and a map pointing at missing files only adds
    // 3.4 MB to every install.
    sourcemap: false,
    // Licence comments go to a separate output, folded into THIRD_PARTY_NOTICES.md.
    legalComments: 'external',
    metafile: true,
    write: false,
    logLevel: 'warning',
    define: { KSTERN_VERSION: JSON.stringify(version) },
    // whatwg-url and tr46 (node-fetch 2, under @kubernetes/client-node) require Node's built-in
    // 'punycode', which prints DEP0040 on Node 21 and later; the userland package is the same code.
    alias: { punycode: 'punycode/' },
    // Some CommonJS dependencies call require() on Node built-ins.
    banner: {
      js: "import { createRequire as __kstern_cr } from 'node:module'; const require = __kstern_cr(import.meta.url);",
    },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('kstern.js'));
  const legal = result.outputFiles.find((f) => f.path.endsWith('.LEGAL.txt'));
  if (!js) throw new Error('esbuild produced no kstern.js');
  const packages = bundledPackages(result.metafile, cwd);
  return { js: js.contents, notices: renderNotices(packages, legal?.text ?? ''), packages };
}
