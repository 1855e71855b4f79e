// Hostile content from the cluster, through the tail pipeline against the fake API server: a line is never
// lost because the chosen output cannot format it (a template function or -o json failing on a hostile pod
// object); it is printed in the default format instead, with one warning on stderr.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultFormatter, type Formatter } from '../../src/output/format.ts';
import { type GuardedFormatter, guardFormatter } from '../../src/output/guard.ts';
import { formatSink } from '../../src/output/sink.ts';
import { messageLine } from '../../src/util/messages.ts';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { checkSeq, startPipeline } from './resilience/support.ts';

let srv: FakeApiServer;

before(async () => {
  srv = await startFakeApiServer();
});
after(() => srv.close());

/** Formats like the default output with a `json:` marker, and throws on lines that contain "boom". */
const fragile: Formatter = (() => {
  const base = defaultFormatter({ level: 0, showNamespace: false });
  return {
    line(l) {
      if (l.content.includes('boom')) throw new RangeError('Maximum call stack size exceeded');
      return Buffer.concat([Buffer.from('json: '), base.line(l)]);
    },
    attach: base.attach,
    detach: base.detach,
  };
})();

describe('a line the output cannot format', () => {
  it('is printed once, in order, in the default format; one warning; the failures are counted', async () => {
    srv.createPod({ name: 'fragile-1', containers: ['app'] });
    const notes: string[] = [];
    const guarded: GuardedFormatter = guardFormatter(
      fragile,
      defaultFormatter({ level: 0, showNamespace: false }),
      (text, severity) => notes.push(messageLine(text, severity)),
      '--output json',
    );
    const p = await startPipeline(await srv.writeKubeconfig(), /^fragile-/, (_api, run) => ({
      sink: formatSink(guarded, run.writer),
    }));
    try {
      const lines = Array.from(
        { length: 30 },
        (_, i) => `${i % 10 === 4 ? 'boom ' : ''}fragile-1/app seq=${i + 1}`,
      );
      srv.appendLog('default', 'fragile-1', 'app', lines);
      await p.waitLines((l) => checkSeq(l).lines === 30, '30 lines');
      const r = checkSeq(p.lines(), new Map([['fragile-1/app', 30]]));
      assert.deepEqual([r.duplicates, r.losses, r.outOfOrder], [0, 0, 0], r.detail.join('\n'));
      const plain = p.lines().filter((l) => !l.startsWith('json: '));
      assert.deepEqual(plain, [
        'fragile-1 app boom fragile-1/app seq=5',
        'fragile-1 app boom fragile-1/app seq=15',
        'fragile-1 app boom fragile-1/app seq=25',
      ]);
      assert.equal(guarded.failures, 3);
      assert.deepEqual(notes, [
        'kstern: warning: cannot format a line of default/fragile-1/app with --output json: Maximum call stack size exceeded; printed in the default format (later failures are counted, not reported)',
      ]);
    } finally {
      await p.stop();
    }
  });
});
