// Resume exactly once: a follow stream that ends while its container still runs is resumed from the
// last line printed, whatever ended it; only termination, a restart or a deleted pod ends a tail.
// Every line carries `<pod>/<container> seq=<n>`, so losses and duplicates are counted exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';
import { checkSeq, delay } from './support.ts';

const PODS = ['web-1', 'web-2', 'web-3'];

async function scenario(fault: (srv: FakeApiServer) => Promise<void> | void, rounds = 5): Promise<void> {
  const srv = await startFakeApiServer();
  const k = runKstern(['web', '--kubeconfig', await srv.writeKubeconfig()]);
  const stops: (() => void)[] = [];
  try {
    for (const p of PODS) srv.createPod({ name: p, containers: ['app'] });
    await srv.waitFor(() => srv.stats().logStreamsOpen >= 3, 5000);
    // 2000 lines/s each: many lines share one second, so a resume with sinceTime (1 s precision) gets
    // hundreds of lines already printed back, and must drop exactly those.
    for (const p of PODS) stops.push(srv.startLoad({ pod: p, container: 'app', linesPerSecond: 2000 }));
    for (let i = 0; i < rounds; i++) {
      await delay(150 + Math.random() * 150);
      await fault(srv);
    }
    await delay(300);
    for (const s of stops) s();
    const expected = new Map<string, number>();
    // The fake writes `seq=1..n`; read n back from the server's own log (the last line of each container).
    for (const p of PODS) {
      const last = await lastSeq(srv, p);
      expected.set(`${p}/app`, last);
    }
    await k
      .waitStdout(() => checkSeq(k.lines(), expected).losses === 0, 'every line', 15_000)
      .catch(() => {});
    const r = checkSeq(k.lines(), expected);
    assert.equal(r.duplicates, 0, r.detail.join('\n'));
    assert.equal(r.losses, 0, r.detail.join('\n'));
    assert.equal(r.outOfOrder, 0, r.detail.join('\n'));
    assert.ok(r.lines > 3000, `a real load (${r.lines} lines)`);
    assert.doesNotMatch(k.stderr(), /^- /m, 'no tail ended');
  } finally {
    for (const s of stops) s();
    k.kill();
    await k.done;
    await srv.close();
  }
}

/** The highest seq the fake wrote for a pod (its log is still in the server). */
async function lastSeq(srv: FakeApiServer, pod: string): Promise<number> {
  const { HttpKubeApi } = await import('../../../src/kube/transport.ts');
  const { resolveKubeconfig } = await import('../../../src/config/kubeconfig.ts');
  const kube = await resolveKubeconfig({
    kubeconfigFlag: await srv.writeKubeconfig(),
    contextFlag: undefined,
    env: {},
    homeDir: '/nonexistent',
  });
  const api = new HttpKubeApi(kube);
  try {
    const chunks: Buffer[] = [];
    for await (const c of api.streamLog(
      { namespace: 'default', pod, container: 'app', follow: false, timestamps: false, tailLines: 1 },
      new AbortController().signal,
    )) {
      chunks.push(c);
    }
    const m = /seq=(\d+)/.exec(Buffer.concat(chunks).toString());
    return m ? Number(m[1]) : 0;
  } finally {
    api.close();
  }
}

describe('resume exactly once', () => {
  it('after a clean EOF (a proxy or idle timeout ending the stream)', () =>
    scenario((srv) => void srv.endLogStreams()));

  it('after a reset (RST_STREAM)', () => scenario((srv) => void srv.dropLogStreams()));

  it('after HTTP/2 GOAWAY and the connection closing', () => scenario((srv) => void srv.goAway(50)));

  it('after a server restart (connections destroyed, refused for a while)', () =>
    scenario(async (srv) => {
      await srv.setDown(true);
      await delay(200);
      await srv.setDown(false);
    }, 3));
});

describe('what ends a tail for good', () => {
  it('a terminated container, a restart and a deleted pod end a tail; nothing else does', async () => {
    const srv = await startFakeApiServer();
    const k = runKstern(['job', '--kubeconfig', await srv.writeKubeconfig()]);
    try {
      srv.createPod({ name: 'job-a', containers: ['app'] });
      srv.createPod({ name: 'job-b', containers: ['app'] });
      srv.createPod({ name: 'job-c', containers: ['app'] });
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 3, 5000);
      for (const p of ['job-a', 'job-b', 'job-c']) srv.appendLog('default', p, 'app', `${p}/app seq=1`);
      srv.endLogStreams(); // a clean EOF: resumed, not ended
      await delay(300);
      assert.doesNotMatch(k.stderr(), /^- /m);
      srv.appendLog('default', 'job-a', 'app', 'job-a/app seq=2');
      srv.terminateContainer('default', 'job-a', 'app');
      srv.appendLog('default', 'job-b', 'app', 'job-b/app seq=2');
      srv.restartContainer('default', 'job-b', 'app');
      srv.appendLog('default', 'job-c', 'app', 'job-c/app seq=2');
      srv.deletePod('default', 'job-c');
      await k.waitStderr(
        (s) => ['job-a', 'job-b', 'job-c'].every((p) => s.includes(`- ${p} › app`)),
        'three detach lines',
      );
      await k.waitStderr((s) => s.split('+ job-b › app').length === 3, 'job-b re-attached (new instance)');
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 5000);
      srv.appendLog('default', 'job-b', 'app', 'job-b/app seq=3');
      await k.waitStdout((s) => s.includes('job-b/app seq=3'), 'the new instance');
      const r = checkSeq(k.lines());
      assert.deepEqual([r.duplicates, r.losses, r.lines], [0, 0, 7], r.detail.join('\n'));
      assert.equal(k.stderr().split('- job-a › app').length, 2, 'job-a detached once');
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });

  it('a stream that broke just before its container restarted is finished from the previous log', async () => {
    const srv = await startFakeApiServer();
    const k = runKstern(['svc', '--kubeconfig', await srv.writeKubeconfig()]);
    try {
      srv.createPod({ name: 'svc-1', containers: ['app'] });
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 5000);
      let n = 0;
      const write = (count: number) => {
        for (let i = 0; i < count; i++) srv.appendLog('default', 'svc-1', 'app', `svc-1/app seq=${++n}`);
      };
      write(100);
      await k.waitStdout((s) => s.includes('seq=100\n'), 'first lines');
      // Break the stream, write more to the old instance, and restart it before kstern reconnects.
      srv.failLogRequests({ status: 503, retryAfterSeconds: 1, times: 1 });
      srv.dropLogStreams();
      write(100);
      srv.restartContainer('default', 'svc-1', 'app');
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 5000);
      write(100);
      await k.waitStdout(() => checkSeq(k.lines()).lines >= 300, '300 lines', 10_000).catch(() => {});
      const r = checkSeq(k.lines(), new Map([['svc-1/app', 300]]));
      assert.deepEqual([r.duplicates, r.losses], [0, 0], r.detail.join('\n'));
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });
});
