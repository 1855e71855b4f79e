// The README's "In CI" example, run for real: examples/ci-migrate.sh against test/fake-apiserver/ci-demo.ts
// with the built binary (npm run build). Keeps the README's script and output honest.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT } from '../support/kstern.ts';

async function runExample(...args: string[]): Promise<{ code: number | null; out: string }> {
  const ch = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fake-apiserver/ci-demo.ts', 'examples/ci-migrate.sh', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  ch.stdout.on('data', (b: Buffer) => (out += b));
  ch.stderr.on('data', (b: Buffer) => (out += b));
  const code = await new Promise<number | null>((r) => ch.on('close', r));
  return { code, out };
}

const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => !/^migrate-\w+ migrate /.test(l))
    .filter(Boolean);

describe('examples/ci-migrate.sh', () => {
  it('a Job whose retry succeeds: every line of both attempts, the summary, exit 0', async () => {
    const r = await runExample();
    assert.equal(r.code, 0, r.out);
    assert.equal((r.out.match(/^migrate-7x2kq migrate \d\d-\d\d [\d:]{8} /gm) ?? []).length, 3);
    assert.equal((r.out.match(/^migrate-9fzq2 migrate \d\d-\d\d [\d:]{8} /gm) ?? []).length, 4);
    const l = lines(r.out);
    // The last two lines in order; the notices and attach/detach lines of a pod may come in either order.
    assert.deepEqual(l.slice(-2), [
      'kstern: 2 containers, 7 lines, 0 failed streams; exit codes: migrate-7x2kq/migrate 1, migrate-9fzq2/migrate 0; job/migrate complete',
      'migration done',
    ]);
    assert.deepEqual(
      l.slice(0, -2).sort(),
      [
        '+ migrate-7x2kq › migrate',
        '! migrate-7x2kq › migrate terminated: exit code 1 (Error)',
        '- migrate-7x2kq › migrate',
        '+ migrate-9fzq2 › migrate',
        '! migrate-9fzq2 › migrate terminated: exit code 0 (Completed)',
        '- migrate-9fzq2 › migrate',
      ].sort(),
    );
  });

  it('a Job that fails: exit 5 and the script says so', async () => {
    const r = await runExample('--fail');
    assert.equal(r.code, 5, r.out);
    assert.match(r.out, /; job\/migrate failed\nmigration failed \(exit codes above\)\n$/);
  });
});
