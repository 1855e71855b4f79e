// The esbuild bundle of src/main.ts and everything it imports into one ESM file, plus the third-party
// notices for what went into it. scripts/build.mjs writes both; tests rebuild in memory to compare.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { build } from 'esbuild';
import { bundledPackages, renderNotices } from './notices.mjs';

const ROOT = new URL('..', import.meta.url);

/**
 * Node's built-in modules are required (through the banner's `require`), not imported: an ESM import of a
 * built-in makes Node build its ESM facade, reading every export, and on Node 26 `node:http`'s lazy
 * exports then load undici (~40 ms); a require is only the CommonJS module. It also lets esbuild load
 * the built-ins of lazily evaluated parts of the bundle (the pipeline, see main.ts) when they run.
 */
const builtinsViaRequire = {
  name: 'kstern-builtins-via-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z][a-z0-9_/]*$/ }, (a) => {
      if (!isBuiltin(a.path)) return undefined;
      if (a.namespace === 'kstern-builtin') return { path: a.path, external: true };
      return { path: a.path, namespace: 'kstern-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'kstern-builtin' }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(a.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * What kstern takes from @kubernetes/client-node at run time: the kubeconfig loader and its auth (KubeConfig,
 * bufferFromFileOrString), nothing else. The package index re-exports all of client-node (its generated API
 * models, watch, exec, attach: ~1.5 MB), and KubeConfig's own module imports the generated API only for
 * makeApiClient and node-fetch only for applyToFetchOptions, neither of which kstern calls. This plugin
 * resolves `@kubernetes/client-node` to config.js alone and gives config.js stubs for those two imports
 * (they throw if ever used), so the bundle neither loads nor evaluates them: start-up is measured in
 * bench/README.md. A new runtime import from client-node fails the build here ("No matching export")
 * until it is added to the list.
 */
const clientNodeSubset = {
  name: 'kstern-client-node-subset',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({
      path: 'client-node',
      namespace: 'kstern',
    }));
    b.onLoad({ filter: /^client-node$/, namespace: 'kstern' }, () => ({
      contents:
        "export { KubeConfig, bufferFromFileOrString } from '@kubernetes/client-node/dist/config.js';",
      resolveDir: decodeURIComponent(ROOT.pathname),
      loader: 'js',
    }));
    b.onResolve({ filter: /^(\.\/gen\/index\.js|node-fetch)$/ }, (a) =>
      /client-node[\\/]dist[\\/]config\.js$/.test(a.importer)
        ? { path: a.path, namespace: 'kstern-unused' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'kstern-unused' }, (a) => {
      const fail = `throw new Error('kstern bundles no ${a.path} of @kubernetes/client-node (scripts/bundle.mjs)');`;
      return {
        contents:
          a.path === 'node-fetch'
            ? `export class Headers { constructor() { ${fail} } }`
            : `export function createConfiguration() { ${fail} }\nexport class ServerConfiguration { constructor() { ${fail} } }`,
        loader: 'js',
      };
    });
  },
};

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
    plugins: [builtinsViaRequire, clientNodeSubset],
    // Less for V8 to parse at every start (no compile cache on Node 20); names are kept for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    logLevel: 'warning',
    define: { KSTERN_VERSION: JSON.stringify(version) },
    // Node's built-in 'punycode' prints DEP0040 on Node 21 and later; the userland package is the same
    // code. (whatwg-url and tr46, which required it through node-fetch 2, are no longer bundled: see
    // clientNodeSubset; kept for any other dependency that requires it.)
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
