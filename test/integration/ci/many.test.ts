// Every container, with no flag (issue 9 §5): 200 containers in follow mode all print with the default
// --max-log-requests; past a lower limit kstern says how many stream and how many wait.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;
const N = 100; // pods, two containers each: 200 containers

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'big' });
  for (let i = 0; i < N; i++) {
    const name = `fleet-${String(i).padStart(3, '0')}`;
    srv.createPod({ namespace: 'big', name, containers: ['app', 'sidecar'] });
    srv.appendLog('big', name, 'app', `${name} app ready`);
    srv.appendLog('big', name, 'sidecar', `${name} sidecar ready`);
  }
});
after(() => srv.close());

describe('200 containers in follow mode', () => {
  it('all print with the default flags, nothing queued', async () => {
    const k = runKstern(['--kubeconfig', kc, 'fleet-']);
    await k.waitStdout((s) => s.split('\n').length === 2 * N + 1, `${2 * N} lines`, 30_000);
    assert.equal(new Set(k.lines()).size, 2 * N);
    assert.doesNotMatch(k.stderr(), /max-log-requests/);
    k.kill('SIGINT');
    assert.equal(await k.done, 130);
  });

  it('with --max-log-requests 50: the real numbers, once; --verbosity lists the waiting containers', async () => {
    const k = runKstern(['--kubeconfig', kc, 'fleet-', '--max-log-requests', '50', '--verbosity', '1']);
    await k.waitStderr((s) => s.includes('raise --max-log-requests'), 'the queue line', 30_000);
    await k.waitStdout((s) => s.split('\n').length === 51, '50 lines', 30_000);
    k.kill('SIGINT');
    await k.done;
    const err = k.stderr();
    assert.deepEqual(err.match(/^kstern: .*raise --max-log-requests$/gm), [
      'kstern: 50 of 200 containers streaming; 150 waiting: raise --max-log-requests',
    ]);
    const listed = /^kstern: waiting for a free stream: (.*)$/m.exec(err)?.[1]?.split(', ') ?? [];
    assert.equal(listed.length, 150);
    assert.equal(listed[0], 'big/fleet-025/app');
  });
});
