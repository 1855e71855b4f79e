// --previous (issue 9 §1): the last terminated instance of each matched container, --no-follow style;
// a container that never restarted is said once, not an error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../../src/util/exit-codes.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'ci' });
  // flaky-1/app crashed once: its first instance logged the crash; the new one runs.
  srv.createPod({ namespace: 'ci', name: 'flaky-1', containers: ['app', 'proxy'] });
  srv.appendLog('ci', 'flaky-1', 'app', ['starting', 'panic: nil map write']);
  srv.appendLog('ci', 'flaky-1', 'proxy', 'proxy up');
  srv.restartContainer('ci', 'flaky-1', 'app', 2);
  srv.appendLog('ci', 'flaky-1', 'app', 'starting again');
  // looping-1/app is in CrashLoopBackOff: its last instance is the one to read.
  srv.createPod({ namespace: 'ci', name: 'looping-1', containers: ['app'] });
  srv.appendLog('ci', 'looping-1', 'app', 'out of memory soon');
  srv.setContainerWaiting('ci', 'looping-1', 'app', 'CrashLoopBackOff', 'back-off 40s');
});
after(() => srv.close());

describe('--previous', () => {
  it("prints the dead instance's lines, in order; the container that never restarted is said once", async () => {
    const k = runKstern(['--kubeconfig', kc, 'flaky-1', '--previous']);
    assert.equal(await k.done, EXIT.ok);
    assert.deepEqual(k.lines(), ['flaky-1 app starting', 'flaky-1 app panic: nil map write']);
    const err = k.stderr().split('\n');
    assert.deepEqual(
      err.filter((l) => l.startsWith('! ')),
      [
        '! flaky-1 › app terminated: exit code 2 (Error)',
        '! flaky-1 › proxy has no previous instance: it never restarted',
      ],
    );
    const reqs = srv.requests.filter((r) => r.path.endsWith('/pods/flaky-1/log'));
    assert.ok(
      reqs.length > 0 && reqs.every((r) => r.query['previous'] === 'true' && r.query['follow'] !== 'true'),
    );
  });

  it('reads a crash-looping container with --tail', async () => {
    const k = runKstern(['--kubeconfig', kc, 'looping-1', '--previous', '--tail', '1', '--quiet']);
    assert.equal(await k.done, EXIT.ok);
    assert.deepEqual(k.lines(), ['looping-1 app out of memory soon']);
  });

  it("follow mode, attached after a crash, with --tail: the dead instance's last lines first, marked in JSON", async () => {
    srv.createPod({ namespace: 'ci', name: 'crashed-1', containers: ['app'] });
    srv.appendLog('ci', 'crashed-1', 'app', ['old 1', 'old 2', 'old 3: fatal error']);
    srv.restartContainer('ci', 'crashed-1', 'app', 1);
    srv.appendLog('ci', 'crashed-1', 'app', ['new 1', 'new 2']);
    const k = runKstern(['--kubeconfig', kc, 'crashed-1', '--tail', '2', '-o', 'json']);
    await k.waitStdout((s) => s.includes('new 2'), 'the current lines');
    srv.appendLog('ci', 'crashed-1', 'app', 'new 3');
    await k.waitStdout((s) => s.includes('new 3'), 'a live line');
    k.kill('SIGINT');
    await k.done;
    const got = k.lines().map((l) => JSON.parse(l) as { message: string; previous?: boolean });
    assert.deepEqual(
      got.map((l) => [l.message, l.previous ?? false]),
      [
        ['old 2', true],
        ['old 3: fatal error', true],
        ['new 1', false],
        ['new 2', false],
        ['new 3', false],
      ],
    );
    assert.match(k.lines()[0]!, /,"annotations":null,"previous":true\}$/);
  });

  it("follow mode: .Previous in templates; without --tail or --since, stern's behaviour (current instance only)", async () => {
    const tpl = ['--template', '{{if .Previous}}[previous] {{end}}{{.Message}}'];
    const k = runKstern(['--kubeconfig', kc, 'crashed-1', '--since', '1h', ...tpl]);
    await k.waitStdout((s) => s.includes('new 3'), 'the current lines');
    k.kill('SIGINT');
    await k.done;
    assert.deepEqual(k.lines(), [
      '[previous] old 1',
      '[previous] old 2',
      '[previous] old 3: fatal error',
      'new 1',
      'new 2',
      'new 3',
    ]);
    const all = runKstern(['--kubeconfig', kc, 'crashed-1', ...tpl]);
    await all.waitStdout((s) => s.includes('new 3'), 'the current lines');
    all.kill('SIGINT');
    await all.done;
    assert.deepEqual(all.lines(), ['new 1', 'new 2', 'new 3']);
  });

  it('--previous with --until is a usage error', async () => {
    const k = runKstern(['--kubeconfig', kc, 'x', '--previous', '--until', 'done']);
    assert.equal(await k.done, EXIT.usage);
    assert.match(k.stderr(), /^kstern: error: --until .* cannot be used with --previous$/m);
  });
});
