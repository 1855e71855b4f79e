// An outage of the API server is told calmly: one line when the connection is lost, one when it is
// back (with how long it took), not a raw HTTP/2 or socket error per namespace and retry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

describe('outage messages', () => {
  let srv: FakeApiServer;
  before(async () => {
    srv = await startFakeApiServer();
  });
  after(() => srv.close());

  it('lost once, reconnected once, with the duration; no raw error lines', async () => {
    srv.createPod({ name: 'calm-1', containers: ['app'] });
    srv.appendLog('default', 'calm-1', 'app', 'before');
    const kc = await srv.writeKubeconfig();
    const k = runKstern(['calm', '--kubeconfig', kc, '-n', 'default']);
    try {
      await k.waitStdout((s) => s.includes('calm-1 app before\n'), 'the first line');
      await srv.setDown(true);
      await k.waitStderr((s) => s.includes('lost the connection'), 'the lost line', 15_000);
      await srv.setDown(false);
      srv.appendLog('default', 'calm-1', 'app', 'after');
      await k.waitStderr((s) => s.includes('reconnected'), 'the reconnected line', 30_000);
      await k.waitStdout((s) => s.includes('calm-1 app after\n'), 'the line logged after the outage', 30_000);
      const lines = k
        .stderr()
        .split('\n')
        .filter((l) => l !== '' && !/^[+-] /.test(l));
      const lost = lines.filter((l) => l.includes('lost the connection'));
      assert.equal(lost.length, 1, lines.join('\n'));
      assert.match(
        lost[0]!,
        new RegExp(
          `^kstern: lost the connection to ${srv.url.replace(/\./g, '\\.')} \\(E[A-Z_0-9]+\\); retrying…$`,
        ),
      );
      const back = lines.filter((l) => l.includes('reconnected'));
      assert.equal(back.length, 1, lines.join('\n'));
      assert.match(back[0]!, /^kstern: reconnected to \S+ after \d+(ms|s|m)$/);
      assert.deepEqual(
        lines.filter((l) => l.includes('failed to watch')),
        [],
        'no per-namespace raw error lines for an outage',
      );
    } finally {
      k.kill();
      await k.done;
    }
  });
});
