// Backoff: retries back off exponentially with jitter (capped), per target; Retry-After on 429/503 is
// honoured; a flood of failures never becomes a request storm.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';
import { checkSeq, delay } from './support.ts';

describe('backoff', () => {
  it('honours Retry-After on 429, then resumes without loss', async () => {
    const srv = await startFakeApiServer();
    const k = runKstern(['ra', '--kubeconfig', await srv.writeKubeconfig()]);
    try {
      srv.createPod({ name: 'ra-1', containers: ['app'] });
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 5000);
      srv.appendLog('default', 'ra-1', 'app', ['ra-1/app seq=1', 'ra-1/app seq=2']);
      await k.waitStdout((s) => s.includes('seq=2\n'), 'first lines');
      srv.failLogRequests({ status: 429, retryAfterSeconds: 2, times: 1 });
      const t0 = Date.now();
      srv.dropLogStreams();
      srv.appendLog('default', 'ra-1', 'app', ['ra-1/app seq=3']);
      await k.waitStdout((s) => s.includes('seq=3\n'), 'the line after the 429', 10_000);
      const logs = srv.requests.filter((r) => r.path.endsWith('/log') && r.at >= t0);
      assert.equal(logs[0]!.status, 429);
      assert.equal(logs[1]!.status, 200);
      const gap = logs[1]!.at - logs[0]!.at;
      assert.ok(gap >= 1900, `waited ${gap} ms after Retry-After: 2`);
      assert.match(k.stderr(), /failed to tail default\/ra-1\/app: Too many requests.*, will retry/);
      const r = checkSeq(k.lines(), new Map([['ra-1/app', 3]]));
      assert.deepEqual([r.duplicates, r.losses], [0, 0]);
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });

  it('20 targets failing with 503 for 4 s: exponential per target, no storm, all lines after', async () => {
    const srv = await startFakeApiServer();
    const pods = Array.from({ length: 10 }, (_, i) => `flood-${i}`);
    const k = runKstern(['flood', '--kubeconfig', await srv.writeKubeconfig()]);
    try {
      for (const p of pods) srv.createPod({ name: p, containers: ['a', 'b'] });
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 20, 5000);
      srv.failLogRequests({ status: 503 });
      const t0 = Date.now();
      srv.dropLogStreams();
      for (const p of pods) for (const c of ['a', 'b']) srv.appendLog('default', p, c, `${p}/${c} seq=1`);
      await delay(4000);
      const during = srv.requests.filter((r) => r.path.endsWith('/log') && r.at >= t0).length;
      srv.failLogRequests(undefined);
      // 250 ms doubling, jitter [d/2, d]: at most 6 attempts each in 4 s (a fixed 250 ms retry: 16).
      assert.ok(during <= 20 * 6, `${during} requests from 20 targets in 4 s`);
      assert.ok(during >= 20 * 2, `they did retry (${during})`);
      // The failure is reported once per target, not once per attempt.
      const reports = k
        .stderr()
        .split('\n')
        .filter((l) => l.includes('unable to handle the request'));
      assert.equal(reports.length, 20, reports.join('\n'));
      await k.waitStdout(
        () => checkSeq(k.lines()).lines === 20,
        'every line once the server recovers',
        15_000,
      );
      const r = checkSeq(k.lines());
      assert.deepEqual([r.duplicates, r.losses, r.sources], [0, 0, 20]);
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });
});
