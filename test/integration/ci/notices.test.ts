// Containers with no log to show are said on stderr (issue 9 §2): waiting with a reason, terminated with
// an exit code, in the attach-line style; --no-follow on a container that waits to start exits 1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../../src/util/exit-codes.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;
const notices = (s: string) => s.split('\n').filter((l) => l.startsWith('! '));

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'ci' });
});
after(() => srv.close());

describe('container notices', () => {
  it('--no-follow on a container waiting to start: the waiting line, exit 1', async () => {
    srv.createPod({
      namespace: 'ci',
      name: 'imagepull-pod',
      containers: ['app'],
      waiting: {
        app: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/app:nope"' },
      },
    });
    const k = runKstern(['--kubeconfig', kc, 'imagepull-pod', '--no-follow', '--quiet']);
    assert.equal(await k.done, EXIT.error);
    assert.equal(k.stdout(), '');
    assert.equal(
      k.stderr(),
      '! imagepull-pod › app waiting: ImagePullBackOff: Back-off pulling image "registry.example/app:nope"\n',
    );
    // --container-state running leaves it out: nothing to say, nothing failed.
    const r = runKstern(['--kubeconfig', kc, 'imagepull-pod', '--no-follow', '--container-state', 'running']);
    assert.equal(await r.done, EXIT.ok);
  });

  it('--no-follow says even a plain ContainerCreating', async () => {
    srv.createPod({
      namespace: 'ci',
      name: 'creating-1',
      containers: ['app'],
      waiting: { app: 'ContainerCreating' },
    });
    const k = runKstern(['--kubeconfig', kc, 'creating-1', '--no-follow', '--quiet']);
    assert.equal(await k.done, EXIT.error);
    assert.equal(k.stderr(), '! creating-1 › app waiting: ContainerCreating\n');
  });

  it('follow: a crash, the back-off, the restart and an OOM kill, each said once, in order', async () => {
    srv.createPod({ namespace: 'ci', name: 'flaky-1', containers: ['app'] });
    srv.appendLog('ci', 'flaky-1', 'app', 'run 1');
    const k = runKstern(['--kubeconfig', kc, 'flaky-1']);
    await k.waitStdout((s) => s.includes('run 1'), 'the first line');
    srv.setContainerWaiting(
      'ci',
      'flaky-1',
      'app',
      'CrashLoopBackOff',
      'back-off 10s restarting failed container=app',
    );
    await k.waitStderr((s) => s.includes('waiting: CrashLoopBackOff'), 'the back-off line');
    // A status update with the same reason is not said again.
    srv.updatePod('ci', 'flaky-1', (p) => {
      p.metadata.annotations = { touched: 'yes' };
    });
    srv.startContainer('ci', 'flaky-1', 'app');
    srv.appendLog('ci', 'flaky-1', 'app', 'run 2');
    await k.waitStdout((s) => s.includes('run 2'), 'the second run');
    srv.terminateContainer('ci', 'flaky-1', 'app', 137, 'OOMKilled');
    await k.waitStderr((s) => s.includes('OOMKilled'), 'the OOM line');
    k.kill('SIGINT');
    await k.done;
    assert.deepEqual(notices(k.stderr()), [
      '! flaky-1 › app terminated: exit code 1 (Error)',
      '! flaky-1 › app waiting: CrashLoopBackOff: back-off 10s restarting failed container=app',
      '! flaky-1 › app terminated: exit code 137 (OOMKilled)',
    ]);
  });

  it('in colour, like the attach lines; with the namespace when it is shown', async () => {
    srv.createPod({
      namespace: 'ci',
      name: 'cfg-err',
      containers: ['app'],
      waiting: { app: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' } },
    });
    const k = runKstern(['--kubeconfig', kc, 'cfg-err', '--no-follow', '--color', 'always', '-A', '--quiet']);
    await k.done;
    const { colorsFor, DEFAULT_PALETTE } = await import('../../../src/output/colors.ts');
    const { paintSgr } = await import('../../../src/output/paint.ts');
    const c = colorsFor('cfg-err', 'app', DEFAULT_PALETTE, false);
    const paint = (params: string, text: string) => paintSgr(params, 3)(text);
    assert.equal(
      k.stderr(),
      `${paint('93;1', '!')} ${paint(c.pod, 'ci')} ${paint(c.pod, 'cfg-err')} › ${paint(c.container, 'app')} waiting: CreateContainerConfigError: secret "db" not found\n`,
    );
  });
});
