// A line over --max-line-bytes, through the tailer with a scripted API: printed in marked pieces as it
// arrives, and exactly once across a stream that breaks in the middle of it.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { Target } from '../../../src/core/model.ts';
import { type KubeApi, KubeError, type LogOptions } from '../../../src/kube/api.ts';
import { defaultFormatter } from '../../../src/output/format.ts';
import { formatSink } from '../../../src/output/sink.ts';
import { Writer } from '../../../src/output/writer.ts';
import { CONTINUED, tailTarget } from '../../../src/tail/tailer.ts';
import { messageLine } from '../../../src/util/messages.ts';

const T: Target = {
  key: 'default/p/c',
  namespace: 'default',
  pod: 'p',
  podUid: 'uid-1',
  container: 'c',
  kind: 'regular',
  containerId: 'containerd://1',
  podObject: { metadata: { name: 'p' } },
};

/** Each request gets the next script entry: chunks to send, then an error (the stream broke) or the end. */
function scriptedApi(script: { chunks: string[]; error?: boolean }[], requests: LogOptions[]): KubeApi {
  let n = 0;
  return {
    server: 'https://fake',
    listPods: () => Promise.reject(new Error('unused')),
    watchPods: () => {
      throw new Error('unused');
    },
    getJSON: () => Promise.reject(new Error('unused')),
    getPod: () => Promise.reject(new Error('unused')),
    async *streamLog(o: LogOptions) {
      requests.push(o);
      const step = script[n++];
      if (step === undefined) return;
      for (const c of step.chunks) yield Buffer.from(c);
      if (step.error) throw new KubeError('the connection was interrupted', { status: 0 });
    },
    close() {},
  };
}

async function tail(
  script: { chunks: string[]; error?: boolean }[],
  maxLineBytes: number,
): Promise<{ lines: string[]; notes: string[]; requests: LogOptions[] }> {
  const out = new PassThrough();
  const text: string[] = [];
  out.on('data', (b: Buffer) => text.push(b.toString('latin1')));
  const notes: string[] = [];
  const requests: LogOptions[] = [];
  // Active while the script lasts, then terminated (the stream's end is the container's end).
  let served = 0;
  const api = scriptedApi(script, requests);
  const counted: KubeApi = {
    ...api,
    streamLog: (o, s) => {
      served++;
      return api.streamLog(o, s);
    },
  };
  const result = await tailTarget(
    T,
    {
      api: counted,
      sink: formatSink(
        defaultFormatter({ level: 0, showNamespace: false }),
        new Writer({ out, err: new PassThrough() }),
      ),
      targets: { status: () => (served < script.length ? 'active' : 'terminated') },
      onlyLogLines: true,
      follow: true,
      sinceSeconds: undefined,
      sinceTime: undefined,
      tailLines: undefined,
      maxAttemptsNoFollow: 5,
      backoff: { initialMs: 1, maxMs: 1 },
      random: () => 0,
      report: (text, severity) => notes.push(messageLine(text, severity)),
      maxLineBytes,
    },
    new AbortController().signal,
  );
  assert.equal(result, 'ok');
  const all = text.join('');
  return { lines: all.slice(0, -1).split('\n'), notes, requests };
}

const TS1 = '2026-01-01T00:00:01.000000001Z';
const TS2 = '2026-01-01T00:00:01.000000002Z';
const mark = CONTINUED.toString();

describe('over-long lines in the tailer', () => {
  it('are printed in marked pieces with the line timestamp, each piece once; one note per target', async () => {
    // Cap 256: the first piece holds the timestamp and a space (31 bytes) and 225 bytes of content.
    const long = 'a'.repeat(225) + 'b'.repeat(256) + 'c'.repeat(10);
    const r = await tail([{ chunks: [`${TS1} ${long}\n${TS2} next\n`] }], 256);
    assert.deepEqual(r.lines, [
      `p c ${'a'.repeat(225)}${mark}`,
      `p c ${'b'.repeat(256)}${mark}`,
      `p c ${'c'.repeat(10)}`,
      'p c next',
    ]);
    assert.deepEqual(r.notes, [
      'kstern: warning: a line of default/p/c is longer than --max-line-bytes (256 bytes): printed in pieces',
    ]);
  });

  it('a stream that breaks inside a long line resumes after the pieces already printed', async () => {
    const long = 'a'.repeat(225) + 'b'.repeat(256) + 'c'.repeat(256) + 'd'.repeat(5);
    const full = `${TS1} ${long}\n${TS2} next\n`;
    // First stream: two pieces and part of the third, then a reset. The resume (sinceTime = that second)
    // sends the line again in full.
    const r = await tail(
      [{ chunks: [full.slice(0, 31 + 225 + 256 + 100)], error: true }, { chunks: [full] }],
      256,
    );
    assert.deepEqual(r.lines, [
      `p c ${'a'.repeat(225)}${mark}`,
      `p c ${'b'.repeat(256)}${mark}`,
      `p c ${'c'.repeat(256)}${mark}`,
      `p c ${'d'.repeat(5)}`,
      'p c next',
    ]);
    assert.equal(r.requests.length, 2);
    assert.equal(r.requests[1]?.sinceTime, '2026-01-01T00:00:01Z');
  });

  it('a long line already printed in full before the break is not printed again', async () => {
    const long = 'a'.repeat(300);
    const first = `${TS1} ${long}\n`;
    const r = await tail([{ chunks: [first], error: true }, { chunks: [`${first}${TS2} next\n`] }], 256);
    assert.deepEqual(r.lines, [`p c ${'a'.repeat(225)}${mark}`, `p c ${'a'.repeat(75)}`, 'p c next']);
  });
});
