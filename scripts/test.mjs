// Runs node's test runner (with tsx for TypeScript) on every *.test.ts under the given folders.
// Node 20's --test does not expand globs or pick up .ts files on its own. A file argument is taken as is.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const dirs = process.argv.slice(2);
const files = dirs.flatMap((d) => (statSync(d).isDirectory() ? collect(d) : [d]));
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}
const extra = process.env.TEST_CONCURRENCY ? [`--test-concurrency=${process.env.TEST_CONCURRENCY}`] : [];
// Node 20 reports TAP when stdout is not a terminal, Node 22+ the spec format: TAP on every Node, so CI
// reads the same summary lines ("# pass N") on each.
if (!process.stdout.isTTY) extra.push('--test-reporter=tap');
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...extra, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
