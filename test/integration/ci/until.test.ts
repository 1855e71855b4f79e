// --until done (issue 9 §4): follow a Job or one-off pods to their end, with the Job's own verdict,
// --until-timeout, and the summary line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../../src/util/exit-codes.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;
const delays = { jobPollMs: 50, nothingMatchedMs: 60_000 };
const summary = (s: string) =>
  s.split('\n').filter((l) => l.startsWith('kstern: ') && l.includes(' container'));

function job(name: string) {
  srv.createWorkload('Job', { namespace: 'ci', name, selector: { matchLabels: { 'job-name': name } } });
}
function jobPod(jobName: string, name: string) {
  srv.createPod({ namespace: 'ci', name, labels: { 'job-name': jobName }, containers: ['app'] });
}

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'ci' });
});
after(() => srv.close());

describe('--until done', () => {
  it('a Job whose pod fails after logging: every line, then exit 5 and the summary', async () => {
    job('e2e');
    jobPod('e2e', 'e2e-x7k2p');
    srv.appendLog('ci', 'e2e-x7k2p', 'app', ['suite: 3 tests', 'test 1 ok']);
    const k = runKstern(['--kubeconfig', kc, 'job/e2e', '--until', 'done'], { delays });
    await k.waitStdout((s) => s.includes('test 1 ok'), 'the first lines');
    srv.appendLog('ci', 'e2e-x7k2p', 'app', ['test 2 FAILED', 'suite failed']);
    srv.terminateContainer('ci', 'e2e-x7k2p', 'app', 1);
    srv.finishJob('ci', 'e2e', { failed: true, reason: 'BackoffLimitExceeded', failedPods: 1 });
    assert.equal(await k.done, EXIT.containerFailed);
    assert.deepEqual(k.lines(), [
      'e2e-x7k2p app suite: 3 tests',
      'e2e-x7k2p app test 1 ok',
      'e2e-x7k2p app test 2 FAILED',
      'e2e-x7k2p app suite failed',
    ]);
    assert.match(k.stderr(), /^! e2e-x7k2p › app terminated: exit code 1 \(Error\)$/m);
    assert.deepEqual(summary(k.stderr()), [
      'kstern: 1 container, 4 lines, 0 failed streams; exit codes: e2e-x7k2p/app 1; job/e2e failed',
    ]);
  });

  it('a Job that succeeds: exit 0', async () => {
    job('migrate');
    jobPod('migrate', 'migrate-abcde');
    srv.appendLog('ci', 'migrate-abcde', 'app', 'migrated');
    const k = runKstern(['--kubeconfig', kc, 'job/migrate', '--until', 'done'], { delays });
    await k.waitStdout((s) => s.includes('migrated'), 'the line');
    srv.terminateContainer('ci', 'migrate-abcde', 'app', 0);
    srv.finishJob('ci', 'migrate', { succeeded: 1 });
    assert.equal(await k.done, EXIT.ok);
    assert.deepEqual(k.lines(), ['migrate-abcde app migrated']);
    assert.deepEqual(summary(k.stderr()), [
      'kstern: 1 container, 1 line, 0 failed streams; exit codes: migrate-abcde/app 0; job/migrate complete',
    ]);
  });

  it("a Job whose first pod fails and whose retry succeeds: both pods' lines, the Job decides: exit 0", async () => {
    job('flaky');
    jobPod('flaky', 'flaky-try1');
    srv.appendLog('ci', 'flaky-try1', 'app', 'try 1: connection refused');
    const k = runKstern(['--kubeconfig', kc, 'job/flaky', '--until', 'done'], { delays });
    await k.waitStdout((s) => s.includes('try 1'), 'the first try');
    srv.terminateContainer('ci', 'flaky-try1', 'app', 1);
    // The Job is still running (backoffLimit not reached): kstern waits for the retry.
    await k.waitStderr((s) => s.includes('! flaky-try1 › app terminated: exit code 1'), 'the first end');
    jobPod('flaky', 'flaky-try2');
    srv.appendLog('ci', 'flaky-try2', 'app', 'try 2: done');
    await k.waitStdout((s) => s.includes('try 2'), 'the retry');
    srv.terminateContainer('ci', 'flaky-try2', 'app', 0);
    srv.finishJob('ci', 'flaky', { succeeded: 1, failedPods: 1 });
    assert.equal(await k.done, EXIT.ok);
    assert.deepEqual(k.lines(), ['flaky-try1 app try 1: connection refused', 'flaky-try2 app try 2: done']);
    assert.deepEqual(summary(k.stderr()), [
      'kstern: 2 containers, 2 lines, 0 failed streams; exit codes: flaky-try1/app 1, flaky-try2/app 0; job/flaky complete',
    ]);
  });

  it('a Job already over when kstern starts: its logs, then exit', async () => {
    job('done-already');
    jobPod('done-already', 'done-already-1');
    srv.appendLog('ci', 'done-already-1', 'app', 'all good');
    srv.terminateContainer('ci', 'done-already-1', 'app', 0);
    srv.finishJob('ci', 'done-already', { succeeded: 1 });
    const k = runKstern(['--kubeconfig', kc, 'job/done-already', '--until', 'done', '--quiet'], { delays });
    assert.equal(await k.done, EXIT.ok);
    assert.deepEqual(k.lines(), ['done-already-1 app all good']);
    assert.deepEqual(summary(k.stderr()), [], '--quiet: no summary');
  });

  it('pods of a regex query: over when every matched pod is; a non-zero exit code is exit 5', async () => {
    for (const n of ['shard-0', 'shard-1']) {
      srv.createPod({ namespace: 'ci', name: n, containers: ['app'] });
      srv.appendLog('ci', n, 'app', `${n} working`);
    }
    const k = runKstern(['--kubeconfig', kc, '^shard-', '--until', 'done', '--only-log-lines'], { delays });
    await k.waitStdout((s) => s.split('\n').length === 3, 'both lines');
    srv.terminateContainer('ci', 'shard-0', 'app', 0);
    await k.waitStderr((s) => s.includes('! shard-0 › app terminated'), 'the first end');
    srv.terminateContainer('ci', 'shard-1', 'app', 3);
    assert.equal(await k.done, EXIT.containerFailed);
    assert.deepEqual(summary(k.stderr()), [], '--only-log-lines: no summary');
    assert.doesNotMatch(k.stderr(), /^[+-] /m);
  });

  it('a pod deleted right after it ended still counts: exit with its verdict', async () => {
    srv.createPod({ namespace: 'ci', name: 'oneoff-1', containers: ['app'] });
    srv.createPod({ namespace: 'ci', name: 'oneoff-2', containers: ['app'] });
    srv.appendLog('ci', 'oneoff-1', 'app', 'one');
    srv.appendLog('ci', 'oneoff-2', 'app', 'two');
    const k = runKstern(['--kubeconfig', kc, '^oneoff-', '--until', 'done'], { delays });
    await k.waitStdout((s) => s.split('\n').length === 3, 'both lines');
    srv.terminateContainer('ci', 'oneoff-1', 'app', 4);
    srv.deletePod('ci', 'oneoff-1');
    srv.terminateContainer('ci', 'oneoff-2', 'app', 0);
    assert.equal(await k.done, EXIT.containerFailed);
  });

  it('--until-timeout: exit 6, with a line saying so and the summary', async () => {
    srv.createPod({ namespace: 'ci', name: 'forever-1', containers: ['app'] });
    srv.appendLog('ci', 'forever-1', 'app', 'still here');
    const k = runKstern(['--kubeconfig', kc, 'forever-1', '--until', 'done', '--until-timeout', '300ms'], {
      delays,
    });
    assert.equal(await k.done, EXIT.untilTimeout);
    assert.deepEqual(k.lines(), ['forever-1 app still here']);
    assert.match(
      k.stderr(),
      /^kstern: error: --until-timeout 300ms ran out before every matched pod was over$/m,
    );
    assert.deepEqual(summary(k.stderr()), ['kstern: 1 container, 1 line, 0 failed streams']);
  });

  it('nothing matched: said at once, exit 3 (--allow-empty: 0)', async () => {
    const k = runKstern(['--kubeconfig', kc, 'nosuch', '--until', 'done'], { delays });
    assert.equal(await k.done, EXIT.nothingMatched);
    assert.match(k.stderr(), /^kstern: no pod matched query "nosuch", in namespace "ci"/);
    const e = runKstern(['--kubeconfig', kc, 'nosuch', '--until', 'done', '--allow-empty'], { delays });
    assert.equal(await e.done, EXIT.ok);
  });

  it('usage errors: --until with --no-follow, --until-timeout alone, an unknown condition', async () => {
    for (const [args, re] of [
      [
        ['x', '--until', 'done', '--no-follow'],
        /^kstern: error: --until follows .* cannot be used with --no-follow$/m,
      ],
      [['x', '--until-timeout', '1m'], /^kstern: error: --until-timeout needs --until done$/m],
      [['x', '--until', 'forever'], /^kstern: error: until should be 'done'$/m],
    ] as const) {
      const k = runKstern(['--kubeconfig', kc, ...args]);
      assert.equal(await k.done, EXIT.usage);
      assert.match(k.stderr(), re);
    }
  });

  it('--no-follow ends with the summary line', async () => {
    const k = runKstern(['--kubeconfig', kc, 'migrate-abcde', '--no-follow']);
    assert.equal(await k.done, EXIT.ok);
    assert.deepEqual(summary(k.stderr()), [
      'kstern: 1 container, 1 line, 0 failed streams; exit codes: migrate-abcde/app 0',
    ]);
  });
});
