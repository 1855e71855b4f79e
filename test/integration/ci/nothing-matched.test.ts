// Nothing matched is never silent (issue 9 §3) and exit codes (§6): the stderr line naming what was
// searched, EXIT.nothingMatched, --allow-empty, --wait, and the follow-mode notice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../../src/util/exit-codes.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;

async function once(args: string[]) {
  const k = runKstern(['--kubeconfig', kc, ...args]);
  const code = await k.done;
  return { code, err: k.stderr(), lines: k.lines() };
}

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'shop' });
  srv.createPod({ namespace: 'shop', name: 'web-1', labels: { app: 'web' }, containers: ['app'] });
  srv.createPod({ namespace: 'shop', name: 'web-2', labels: { app: 'web' }, containers: ['app'] });
  srv.appendLog('shop', 'web-1', 'app', 'hello');
  srv.createWorkload('Job', {
    namespace: 'shop',
    name: 'e2e',
    selector: { matchLabels: { 'job-name': 'e2e' } },
  });
});
after(() => srv.close());

describe('a query that matches nothing', () => {
  it('--no-follow: one line naming the query, namespace and pods looked at; exit 3', async () => {
    const r = await once(['nosuchpod', '--no-follow']);
    assert.equal(r.code, EXIT.nothingMatched);
    assert.deepEqual(r.lines, []);
    assert.equal(r.err, 'kstern: no pod matched query "nosuchpod", in namespace "shop" (2 pods looked at)\n');
  });

  it('names a namespace that does not exist as such', async () => {
    const r = await once(['web', '-n', 'typo-ns,shop', '--no-follow', '-l', 'app=nope']);
    assert.equal(r.code, EXIT.nothingMatched);
    assert.equal(
      r.err,
      'kstern: no pod matched query "web", label selector "app=nope", in namespaces "typo-ns" (no such namespace), "shop" (0 pods looked at)\n',
    );
  });

  it("a workload query names the workload's selector; -A says all namespaces", async () => {
    const r = await once(['job/e2e', '--no-follow']);
    assert.equal(r.code, EXIT.nothingMatched);
    assert.equal(
      r.err,
      'kstern: no pod matched query "job/e2e" (pods with labels "job-name=e2e"), in namespace "shop" (0 pods looked at)\n',
    );
    const all = await once(['nosuchpod', '-A', '--no-follow']);
    assert.match(
      all.err,
      /^kstern: no pod matched query "nosuchpod", in all namespaces \(2 pods looked at\)\n$/,
    );
  });

  it('--allow-empty: the same line, exit 0', async () => {
    const r = await once(['nosuchpod', '--no-follow', '--allow-empty']);
    assert.equal(r.code, EXIT.ok);
    assert.match(r.err, /^kstern: no pod matched query "nosuchpod"/);
  });

  it('a matching pod is not "nothing matched"', async () => {
    const r = await once(['web-1', '--no-follow']);
    assert.equal(r.code, EXIT.ok);
    assert.deepEqual(r.lines, ['web-1 app hello']);
    assert.doesNotMatch(r.err, /no pod matched/);
  });

  it('--no-follow --wait: a pod created while waiting is read; exit 0', async () => {
    const k = runKstern(['--kubeconfig', kc, 'late-', '--no-follow', '--wait', '20s']);
    await srv.waitFor(() => srv.requests.some((q) => q.path === '/api/v1/namespaces/shop/pods'));
    srv.createPod({ namespace: 'shop', name: 'late-1', containers: ['app'] });
    srv.appendLog('shop', 'late-1', 'app', 'finally');
    assert.equal(await k.done, EXIT.ok);
    assert.deepEqual(k.lines(), ['late-1 app finally']);
  });

  it('--wait runs out: the line says how long it waited; exit 3', async () => {
    const r = await once(['never-', '--no-follow', '--wait', '1s']);
    assert.equal(r.code, EXIT.nothingMatched);
    assert.match(
      r.err,
      /^kstern: no pod matched query "never-", in namespace "shop" after waiting 1s \(\d+ pods looked at\)\n$/,
    );
  });

  it('follow mode: said after the delay, once; the run goes on', async () => {
    const k = runKstern(['--kubeconfig', kc, 'nosuchpod'], { delays: { nothingMatchedMs: 200 } });
    await k.waitStderr((s) => s.includes('no pod matched'), 'the nothing-matched line');
    assert.match(
      k.stderr(),
      /^kstern: no pod matched query "nosuchpod", in namespace "shop" \(\d pods looked at\)\n$/,
    );
    k.kill('SIGINT');
    assert.equal(await k.done, 130);
  });

  it('follow mode: not said when a pod matches', async () => {
    const k = runKstern(['--kubeconfig', kc, 'web-1'], { delays: { nothingMatchedMs: 100 } });
    await k.waitStdout((s) => s.includes('hello'), 'the line');
    // A run started now with the same delay says its line after this run's delay has passed.
    const control = runKstern(['--kubeconfig', kc, 'nosuchpod'], { delays: { nothingMatchedMs: 100 } });
    await control.waitStderr((s) => s.includes('no pod matched'), "the control run's line");
    control.kill('SIGINT');
    await control.done;
    k.kill('SIGINT');
    await k.done;
    assert.doesNotMatch(k.stderr(), /no pod matched/);
  });

  it('follow mode --wait: exits 3 when nothing appeared in time', async () => {
    const r = await once(['nosuchpod', '--wait', '500ms']);
    assert.equal(r.code, EXIT.nothingMatched);
    assert.match(
      r.err,
      /^kstern: no pod matched query "nosuchpod", in namespace "shop" after waiting 500ms/m,
    );
  });

  it('--wait with a bad duration is a usage error naming the flag', async () => {
    const r = await once(['x', '--wait', 'soon']);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.err, /^kstern: error: invalid value "soon" for --wait/);
  });
});
