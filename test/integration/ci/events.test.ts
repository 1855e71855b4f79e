// --events (issue 9 §2): the tailed pods' Kubernetes events on stdout, as their own lines.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../../src/util/exit-codes.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;
const delays = { eventsPollMs: 50 };

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'ci' });
  srv.createPod({
    namespace: 'ci',
    name: 'imagepull-pod',
    containers: ['app'],
    waiting: {
      app: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/app:nope"' },
    },
  });
  srv.podEvent('ci', 'imagepull-pod', {
    type: 'Normal',
    reason: 'Pulling',
    message: 'Pulling image "registry.example/app:nope"',
  });
  srv.podEvent('ci', 'imagepull-pod', {
    reason: 'Failed',
    message: 'Failed to pull image "registry.example/app:nope": not found',
  });
  srv.createPod({ namespace: 'ci', name: 'other-1', containers: ['app'] });
  srv.podEvent('ci', 'other-1', { reason: 'Unhealthy', message: 'Readiness probe failed' });
});
after(() => srv.close());

describe('--events', () => {
  it('--no-follow: the waiting line, the Warning event line on stdout, exit 1', async () => {
    const k = runKstern(['--kubeconfig', kc, 'imagepull-pod', '--no-follow', '--events', '--quiet']);
    assert.equal(await k.done, EXIT.error);
    assert.deepEqual(k.lines(), [
      'imagepull-pod [event] Warning Failed: Failed to pull image "registry.example/app:nope": not found',
    ]);
    assert.equal(
      k.stderr(),
      '! imagepull-pod › app waiting: ImagePullBackOff: Back-off pulling image "registry.example/app:nope"\n',
    );
  });

  it('--events=all adds Normal events; -o json gives them their own shape', async () => {
    const k = runKstern(['--kubeconfig', kc, 'imagepull-pod', '--no-follow', '--events=all', '-o', 'json']);
    await k.done;
    const got = k
      .lines()
      .map((l) => JSON.parse(l) as { event: { type: string; reason: string }; podName: string });
    assert.deepEqual(
      got.map((e) => [e.podName, e.event.type, e.event.reason]),
      [
        ['imagepull-pod', 'Normal', 'Pulling'],
        ['imagepull-pod', 'Warning', 'Failed'],
      ],
    );
  });

  it('follow: new events and repeats are printed as they come, interleaved with the log lines', async () => {
    srv.createPod({ namespace: 'ci', name: 'flaky-1', containers: ['app'] });
    srv.appendLog('ci', 'flaky-1', 'app', 'started');
    const k = runKstern(['--kubeconfig', kc, 'flaky-1', '--events'], { delays });
    await k.waitStdout((s) => s.includes('started'), 'the log line');
    srv.podEvent('ci', 'flaky-1', { reason: 'BackOff', message: 'Back-off restarting failed container app' });
    await k.waitStdout((s) => s.includes('[event]'), 'the event');
    srv.appendLog('ci', 'flaky-1', 'app', 'started again');
    await k.waitStdout((s) => s.includes('started again'), 'the next log line');
    srv.podEvent('ci', 'flaky-1', { reason: 'BackOff', message: 'Back-off restarting failed container app' });
    await k.waitStdout((s) => (s.match(/\[event\]/g) ?? []).length === 2, 'the repeat');
    k.kill('SIGINT');
    await k.done;
    assert.deepEqual(k.lines(), [
      'flaky-1 app started',
      'flaky-1 [event] Warning BackOff: Back-off restarting failed container app',
      'flaky-1 app started again',
      'flaky-1 [event] Warning BackOff: Back-off restarting failed container app',
    ]);
    assert.doesNotMatch(k.stdout(), /other-1/, 'events of pods not tailed are not printed');
  });

  it('a bad value names the flag', async () => {
    const k = runKstern(['--kubeconfig', kc, 'x', '--events=some']);
    assert.equal(await k.done, EXIT.usage);
    assert.match(k.stderr(), /^kstern: error: events should be one of 'warning', or 'all'$/m);
  });
});
