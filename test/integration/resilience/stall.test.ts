// Stall detection: a stream that receives nothing for a while is checked (HTTP/2 PING on the session,
// then the container's state and newest line) and reconnected when it is dead, so kstern never goes
// silent while the container still logs; a container that is merely quiet costs no reconnects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StallMonitor } from '../../../src/tail/stall.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { checkSeq, delay, startPipeline, startProxy, type TcpProxy, writeKubeconfig } from './support.ts';

describe('stall detection', () => {
  let srv: FakeApiServer;
  before(async () => {
    srv = await startFakeApiServer();
  });
  after(() => srv.close());

  it('a stuck stream on a healthy connection is found by its newest line and resumed', async () => {
    srv.createPod({ name: 'stuck-1', containers: ['app'] });
    let monitor!: StallMonitor;
    const p = await startPipeline(await srv.writeKubeconfig(), /^stuck-/, (api) => ({
      stall: (monitor = new StallMonitor({ idleMs: 300, pingTimeoutMs: 500, ping: (ms) => api.ping!(ms) })),
    }));
    try {
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 5000);
      let n = 0;
      const write = (k: number) => {
        for (let i = 0; i < k; i++) srv.appendLog('default', 'stuck-1', 'app', `stuck-1/app seq=${++n}`);
      };
      write(50);
      await p.waitLines((l) => checkSeq(l).lines === 50, '50 lines');
      assert.equal(srv.stallLogStreams(), 1);
      write(50); // logged, but the stream delivers nothing any more
      await p.waitLines((l) => checkSeq(l).lines === 100, 'the 50 lines logged while stuck', 10_000);
      const r = checkSeq(p.lines(), new Map([['stuck-1/app', 100]]));
      assert.deepEqual([r.duplicates, r.losses, r.outOfOrder], [0, 0, 0], r.detail.join('\n'));
      assert.ok(monitor.stats.restarts >= 1, 'restarted by the monitor');
      assert.match(
        p.stderr(),
        /failed to tail default\/stuck-1\/app: the log stream stalled \(no data for \d+s\), will retry/,
      );
    } finally {
      await p.stop();
    }
  });

  it('a stuck stream whose probe hangs too is restarted when the probe times out', async () => {
    srv.createPod({ name: 'hung-1', containers: ['app'] });
    let monitor!: StallMonitor;
    const p = await startPipeline(await srv.writeKubeconfig(), /^hung-/, (api) => ({
      stall: (monitor = new StallMonitor({
        idleMs: 300,
        pingTimeoutMs: 500,
        checkTimeoutMs: 500,
        ping: (ms) => api.ping!(ms),
      })),
    }));
    try {
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 5000);
      let n = 0;
      const write = (k: number) => {
        for (let i = 0; i < k; i++) srv.appendLog('default', 'hung-1', 'app', `hung-1/app seq=${++n}`);
      };
      write(20);
      await p.waitLines((l) => checkSeq(l).lines === 20, '20 lines');
      // The stream gets stuck, and the one-line probe that would tell gets no answer at all.
      srv.hangLogRequests({ filter: { pod: 'hung-1' }, follow: false });
      assert.equal(srv.stallLogStreams({ pod: 'hung-1' }), 1);
      write(20);
      await p.waitLines((l) => checkSeq(l).lines === 40, 'the 20 lines logged while stuck', 10_000);
      const r = checkSeq(p.lines(), new Map([['hung-1/app', 40]]));
      assert.deepEqual([r.duplicates, r.losses, r.outOfOrder], [0, 0, 0], r.detail.join('\n'));
      assert.ok(monitor.stats.checkTimeouts >= 1, 'the hung probe timed out');
      assert.match(
        p.stderr(),
        /hung-1\/app: the log stream stalled \(no data for \d+s; its check got no answer/,
      );
    } finally {
      srv.hangLogRequests(undefined);
      await p.stop();
    }
  });

  it('a dead connection (no FIN, no RST) fails its PING, is destroyed, and its streams resume', async () => {
    const proxy: TcpProxy = await startProxy(Number(new URL(srv.url).port));
    srv.createPod({ name: 'dead-1', containers: ['app'] });
    srv.createPod({ name: 'dead-2', containers: ['app'] });
    let monitor!: StallMonitor;
    const p = await startPipeline(await writeKubeconfig(srv, { server: proxy.url }), /^dead-/, (api) => ({
      stall: (monitor = new StallMonitor({ idleMs: 300, pingTimeoutMs: 300, ping: (ms) => api.ping!(ms) })),
    }));
    try {
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 2, 5000);
      let n = 0;
      const write = (k: number) => {
        for (let i = 0; i < k; i++) {
          n++;
          srv.appendLog('default', 'dead-1', 'app', `dead-1/app seq=${n}`);
          srv.appendLog('default', 'dead-2', 'app', `dead-2/app seq=${n}`);
        }
      };
      write(20);
      await p.waitLines((l) => checkSeq(l).lines === 40, '40 lines');
      assert.ok(proxy.blackhole() >= 1);
      write(20);
      await p.waitLines(
        (l) => checkSeq(l).lines === 80,
        'the lines logged after the connection died',
        10_000,
      );
      const r = checkSeq(
        p.lines(),
        new Map([
          ['dead-1/app', 40],
          ['dead-2/app', 40],
        ]),
      );
      assert.deepEqual([r.duplicates, r.losses, r.outOfOrder], [0, 0, 0], r.detail.join('\n'));
      assert.ok(monitor.stats.pingFailures >= 1, 'a PING went unanswered');
      assert.doesNotMatch(p.stderr(), /stalled/, 'the streams failed with their connection, not by probing');
    } finally {
      await p.stop();
      await proxy.close();
    }
  });

  it('a quiet container is left alone: PINGs and probes only, growing apart; no reconnect', async () => {
    srv.createPod({ name: 'quiet-1', containers: ['app', 'sidecar'] });
    srv.appendLog('default', 'quiet-1', 'app', 'quiet-1/app seq=1');
    let monitor!: StallMonitor;
    const p = await startPipeline(await srv.writeKubeconfig(), /^quiet-/, (api) => ({
      stall: (monitor = new StallMonitor({ idleMs: 200, pingTimeoutMs: 500, ping: (ms) => api.ping!(ms) })),
    }));
    try {
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 2, 5000);
      const logRequests = () =>
        srv.requests.filter((r) => r.path.endsWith('/quiet-1/log') && r.query['follow'] === 'true').length;
      const probes = () =>
        srv.requests.filter((r) => r.path.endsWith('/quiet-1/log') && r.query['tailLines'] === '1').length;
      const followBefore = logRequests();
      await delay(3000);
      assert.equal(logRequests(), followBefore, 'no reconnect of a quiet stream');
      // Checks double their interval while quiet: 200, 400, 800, 1600 ms → at most 4 per stream in 3 s.
      assert.ok(probes() <= 8, `probes bounded (${probes()})`);
      assert.ok(monitor.stats.pings <= 8, `pings bounded (${monitor.stats.pings})`);
      assert.ok(monitor.stats.checks >= 2, 'but they were checked');
      srv.appendLog('default', 'quiet-1', 'sidecar', 'quiet-1/sidecar seq=1');
      await p.waitLines(
        (l) => l.some((x) => x.endsWith('quiet-1/sidecar seq=1')),
        'a line after the silence',
      );
      assert.equal(monitor.stats.restarts, 0);
      assert.equal(p.stderr().includes('failed'), false, p.stderr());
    } finally {
      await p.stop();
    }
  });
});
