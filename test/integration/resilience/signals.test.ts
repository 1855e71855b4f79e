// Signals and pipes: SIGINT/SIGTERM/SIGHUP, EPIPE and a closed stderr all end the run cleanly, with
// buffered lines flushed where the pipe is still open. Runs the built binary (npm run build).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { BIN, spawnKstern } from '../../support/kstern.ts';
import { until } from '../../support/wait.ts';
import { checkSeq, delay } from './support.ts';

describe('signals and pipes', () => {
  let srv: FakeApiServer;
  let kubeconfig: string;
  before(async () => {
    srv = await startFakeApiServer();
    kubeconfig = await srv.writeKubeconfig();
    srv.createPod({ name: 'sig-1', containers: ['app', 'side'] });
    for (let i = 1; i <= 20; i++) srv.appendLog('default', 'sig-1', 'app', `sig-1/app seq=${i}`);
  });
  after(() => srv.close());

  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${sig}: detach lines, every line printed, exit ${code}`, async () => {
      const k = spawnKstern(['sig', '--kubeconfig', kubeconfig]);
      await k.waitStdout((s) => s.includes('seq=20\n'), 'the backlog');
      k.child.kill(sig);
      const r = await k.exit;
      assert.equal(r.code, code);
      assert.match(k.stderr(), /^- sig-1 › app$/m);
      assert.match(k.stderr(), /^- sig-1 › side$/m);
      assert.equal(checkSeq(k.lines()).lines, 20);
    });
  }

  it('SIGTERM with a slow reader: the lines already read are flushed whole, then exit 143', async () => {
    srv.createPod({ name: 'slow-1', containers: ['app'] });
    const stop = srv.startLoad({ pod: 'slow-1', container: 'app', linesPerSecond: 20_000, count: 100_000 });
    const dir = await mkdtemp(join(tmpdir(), 'kstern-sig-'));
    const file = join(dir, 'out');
    // The reader sleeps, then reads everything: kstern waits on a full pipe meanwhile.
    const reader = spawn('bash', ['-c', `sleep 2; cat > "${file}"`], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const k = spawn(process.execPath, [BIN, 'slow', '--kubeconfig', kubeconfig], {
      stdio: ['ignore', reader.stdin!, 'ignore'],
    });
    reader.stdin!.destroy(); // our copy: kstern holds the pipe's write end
    const closed = new Promise<number | null>((r) => k.on('close', (c) => r(c)));
    const readerClosed = new Promise((r) => reader.on('close', r));
    const within = async <T>(p: Promise<T>, what: string): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not within 20 s`)), 20_000);
      });
      try {
        return await Promise.race([p, timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    try {
      // kstern is running (its handlers installed) once its log stream is open and the pipe has filled.
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 15_000);
      await delay(500);
      k.kill('SIGTERM');
      assert.equal(await within(closed, 'kstern exits'), 143);
      await within(readerClosed, 'the reader ends');
      const out = await readFile(file, 'utf8');
      assert.ok(out.endsWith('\n'), 'no half line');
      const r = checkSeq(out.split('\n').filter(Boolean));
      assert.ok(r.lines > 1000, `${r.lines} lines`);
      assert.deepEqual([r.duplicates, r.losses, r.outOfOrder], [0, 0, 0], r.detail.join('\n'));
    } finally {
      stop();
      if (k.exitCode === null) k.kill('SIGKILL');
      if (reader.exitCode === null) reader.kill('SIGKILL');
    }
  });

  it('a closed stderr: the run goes on, stdout keeps every line, SIGINT ends it with 130', async () => {
    const k = spawnKstern(['sig', '--kubeconfig', kubeconfig]);
    k.child.stderr!.destroy();
    await k.waitStdout((s) => s.includes('seq=20\n'), 'the backlog');
    srv.appendLog('default', 'sig-1', 'side', 'sig-1/side seq=1');
    await k.waitStdout((s) => s.includes('sig-1/side seq=1\n'), 'a line after stderr closed');
    // Make kstern write to stderr (a detach line) while it is closed.
    srv.restartContainer('default', 'sig-1', 'side');
    await delay(300);
    assert.equal(k.child.exitCode, null, 'still running');
    k.child.kill('SIGINT');
    assert.equal((await k.exit).code, 130);
  });

  it('stdout closed by the reader (EPIPE): exit 0 at the next write, nothing on stderr but +/- lines', async () => {
    const k = spawnKstern(['sig', '--kubeconfig', kubeconfig]);
    await k.waitStdout((s) => s.includes('seq=20\n'), 'the backlog');
    k.child.stdout!.destroy();
    srv.appendLog('default', 'sig-1', 'app', 'after close 1');
    await delay(100);
    srv.appendLog('default', 'sig-1', 'app', 'after close 2');
    await until(() => k.child.exitCode !== null, 'exit', 5000);
    assert.equal(k.child.exitCode, 0);
    assert.deepEqual(
      k
        .stderr()
        .split('\n')
        // +/- lines, and `!` notices (an earlier test restarted the side container: its exit is told).
        .filter((l) => l !== '' && !/^[+!-] /.test(l)),
      [],
    );
  });
});
