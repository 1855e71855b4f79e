// Bundles src/main.ts and its dependencies into one ESM file, dist/kstern.js, and regenerates
// THIRD_PARTY_NOTICES.md from what went into it. One file loads several times faster than
// client-node's many modules, and it needs no node_modules: the package has no runtime dependencies.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { bundle } from './bundle.mjs';

const root = new URL('..', import.meta.url);
const { js, notices } = await bundle();
mkdirSync(new URL('dist/', root), { recursive: true });
writeFileSync(new URL('dist/kstern.js', root), js);
rmSync(new URL('dist/kstern.js.map', root), { force: true }); // left by earlier builds
writeFileSync(new URL('THIRD_PARTY_NOTICES.md', root), notices);
