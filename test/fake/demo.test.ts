// The demo script: serves a fake cluster, runs a command against it, propagates its exit code.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LineReader } from './client.ts';

const demo = fileURLToPath(new URL('../fake-apiserver/demo.ts', import.meta.url));
const hasKubectl = !spawnSync('kubectl', ['version', '--client']).error;

function runDemo(args: string[], env: Record<string, string> = {}) {
  const ch = spawn(process.execPath, ['--import', 'tsx', demo, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
});
