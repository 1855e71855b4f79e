// The demo script: serves a fake cluster, runs a command against it, propagates its exit code, and
// takes the command down with it when the terminal closes or Ctrl-C is pressed.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { until } from '../../support/wait.ts';
import { LineReader } from './client.ts';

const demo = fileURLToPath(new URL('../demo.ts', import.meta.url));
const hasKubectl = !spawnSync('kubectl', ['version', '--client']).error;

/** Runs demo.ts; `detached`: in its own process group, as a shell runs a job in a terminal. */
function runDemo(args: string[], env: Record<string, string> = {}, detached = false) {
  const ch = spawn(process.execPath, ['--import', 'tsx', demo, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let stderr = '';
  ch.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => ch.on('close', resolve));
  return { ch, reader: new LineReader(ch.stdout), exited, stderr: () => stderr };
}

describe('demo.ts', () => {
  test('KSTERN_DEMO_CMD runs with KUBECONFIG set; the exit code is passed through', async () => {
    const d = runDemo(['extra arg', '--x'], {
      KSTERN_DEMO_CMD: `sh -c 'grep -c certificate-authority-data "$KUBECONFIG"; echo "args: $*"; exit 3' demo`,
    });
    assert.equal(await d.reader.next(10_000), '1');
    assert.equal(await d.reader.next(), 'args: extra arg --x');
    assert.equal(await d.exited, 3, d.stderr());
  });

  test('--server-only serves 3 service pods until SIGTERM', {
    skip: !hasKubectl && 'kubectl is not on PATH',
  }, async () => {
    const d = runDemo(['--server-only']);
    const line = await d.reader.next(10_000);
    const m = /^KUBECONFIG=(.+)$/.exec(line ?? '');
    assert.ok(m, `got ${line}; stderr ${d.stderr()}`);
    const r = spawnSync(
      'kubectl',
      ['--kubeconfig', m[1]!, 'get', 'pods', '-l', 'app=service', '-o', 'name'],
      {
        encoding: 'utf8',
      },
    );
    const pods = r.stdout.trim().split('\n');
    assert.equal(pods.length, 3, r.stderr);
    for (const p of pods) assert.match(p, /^pod\/service-7d9f8b6c4-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    d.ch.kill('SIGTERM');
    assert.equal(await d.exited, 143);
  });

  /** Whether a process is gone: no such pid, or only its exit status is left (a zombie). */
  function gone(pid: number): boolean {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
    } catch {
      return true;
    }
  }

  for (const [sig, what, code] of [
    ['SIGHUP', 'closing the terminal', 129],
    ['SIGINT', 'Ctrl-C', 130],
  ] as const) {
    test(`${what} (${sig} to the demo's process group) ends the demo's kstern too`, async () => {
      const d = runDemo([], {}, true);
      let kstern = 0;
      try {
        await until(
          () => /\(pid \d+\)/.test(d.stderr()),
          () => `the banner with kstern's pid; stderr: ${d.stderr()}`,
          20_000,
        );
        assert.match(d.stderr(), /^kstern demo: a fake Kubernetes cluster at https:\/\/127\.0\.0\.1:\d+\n/);
        assert.match(d.stderr(), /running: node bin\/kstern\.js service --kubeconfig \S+/);
        kstern = Number(/\(pid (\d+)\)/.exec(d.stderr())![1]);
        // kstern's first log line: it is tailing the cluster.
        assert.match((await d.reader.next(20_000)) ?? '', /^service-7d9f8b6c4-\w{5} (server|gateway) /);
        process.kill(-d.ch.pid!, sig);
        assert.equal(await d.exited, code, d.stderr());
        await until(() => gone(kstern), `kstern (pid ${kstern}) to end`, 10_000);
      } finally {
        if (kstern && !gone(kstern)) process.kill(kstern, 'SIGKILL');
        if (d.ch.exitCode === null) process.kill(-d.ch.pid!, 'SIGKILL');
      }
    });
  }
});
