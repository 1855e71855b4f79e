// Broken outputs, through the built binary: a full disk (/dev/full as stdout) is an error the user is
// told about, with a non-zero exit; only the reader leaving (EPIPE, tested in core.test.ts) is quiet.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { BIN } from '../support/kstern.ts';
import { until } from '../support/wait.ts';

let srv: FakeApiServer;
let kubeconfig: string;

before(async () => {
  srv = await startFakeApiServer();
  kubeconfig = await srv.writeKubeconfig();
  srv.createPod({ name: 'web-1', containers: ['app'] });
  // More than a pipe or file buffer holds, so the failure happens mid-run, not only at exit.
  srv.appendLog(
    'default',
    'web-1',
    'app',
    Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`),
  );
});
after(() => srv.close());

/** Runs kstern with stdout on /dev/full; resolves with its exit code and stderr. */
async function toFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync('/dev/full', 'w');
  try {
    const child = spawn(process.execPath, [BIN, ...args, '--kubeconfig', kubeconfig], {
      stdio: ['ignore', fd, 'pipe'],
      env: { PATH: process.env['PATH'] },
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    return { code, stderr };
  } finally {
    closeSync(fd);
  }
}

describe('stdout on a full disk (/dev/full)', () => {
  it('--no-follow: one line naming the error, exit 1', async () => {
    const r = await toFullDisk(['web', '--no-follow']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^kstern: error: cannot write to standard output: ENOSPC: no space left on device/m,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('follow mode: the run stops at the failed write instead of running on, exit 1', async () => {
    const r = await toFullDisk(['web']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kstern: error: cannot write to standard output: ENOSPC/m);
    await until(() => srv.stats().logStreamsOpen === 0, 'log streams closed');
  });
});
