import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeError } from '../../../src/kube/api.ts';
import { LineBuffer, LineTooLongError } from '../../../src/kube/ndjson.ts';
import { logQuery, parseWatchLine, watchQuery } from '../../../src/kube/transport.ts';

function split(chunks: (string | Buffer)[]): { lines: string[]; rest: string | undefined } {
  const b = new LineBuffer();
  const lines: string[] = [];
  for (const c of chunks) lines.push(...b.push(typeof c === 'string' ? Buffer.from(c) : c));
  return { lines, rest: b.end() };
}

describe('LineBuffer', () => {
  const cases: { name: string; chunks: (string | Buffer)[]; lines: string[]; rest?: string }[] = [
    { name: 'one line per chunk', chunks: ['{"a":1}\n', '{"b":2}\n'], lines: ['{"a":1}', '{"b":2}'] },
    { name: 'two lines in one chunk', chunks: ['{"a":1}\n{"b":2}\n'], lines: ['{"a":1}', '{"b":2}'] },
    { name: 'a line across three chunks', chunks: ['{"a"', ':', '1}\n'], lines: ['{"a":1}'] },
    {
      name: 'the newline alone in a chunk',
      chunks: ['{"a":1}', '\n', '{"b"', ':2}\n'],
      lines: ['{"a":1}', '{"b":2}'],
    },
    { name: 'an unterminated last line', chunks: ['{"a":1}\n{"b":'], lines: ['{"a":1}'], rest: '{"b":' },
    { name: 'empty lines', chunks: ['\n\n{"a":1}\n'], lines: ['', '', '{"a":1}'] },
    {
      name: 'a multi-byte character split between chunks',
      chunks: [Buffer.from('{"n":"h\xc3', 'latin1'), Buffer.from('\xa9"}\n', 'latin1')],
      lines: ['{"n":"hé"}'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = split(c.chunks);
      assert.deepEqual(r.lines, c.lines);
      assert.equal(r.rest, c.rest);
    });
  }

  it('splits a big stream cut at every possible place', () => {
    const text =
      Array.from({ length: 20 }, (_, i) => JSON.stringify({ type: 'ADDED', i, s: 'ü'.repeat(i) })).join(
        '\n',
      ) + '\n';
    const bytes = Buffer.from(text);
    for (let size = 1; size < 40; size += 3) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const r = split(chunks);
      assert.equal(r.lines.length, 20);
      assert.equal(r.lines.join('\n') + '\n', text);
      assert.equal(r.rest, undefined);
    }
  });
});

describe('LineBuffer with a cap (the longest watch event)', () => {
  // What each chunk gives, with a cap of 4 bytes: its lines, or 'too long' when that push throws.
  const cases: { name: string; chunks: string[]; want: (string[] | 'too long')[]; rest?: string }[] = [
    { name: 'a line of exactly the cap', chunks: ['abcd\n'], want: [['abcd']] },
    { name: 'CRLF: the \\r is dropped, not counted', chunks: ['abcd\r\n'], want: [['abcd']] },
    { name: 'a line over the cap', chunks: ['ab\n', 'abcde\n'], want: [['ab'], 'too long'] },
    { name: 'over the cap with no newline yet', chunks: ['abc', 'de'], want: [[], 'too long'] },
    { name: 'a \\r after the cap waits for its \\n', chunks: ['abcd\r', '\n'], want: [[], ['abcd']] },
    { name: 'a \\r after the cap that is content', chunks: ['abcd\r', 'x'], want: [[], 'too long'] },
    { name: 'an unterminated last line of the cap', chunks: ['x\nabcd'], want: [['x']], rest: 'abcd' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const b = new LineBuffer(4);
      const got: (string[] | 'too long')[] = [];
      for (const chunk of c.chunks) {
        try {
          got.push(b.push(Buffer.from(chunk)));
        } catch (e) {
          assert.ok(e instanceof LineTooLongError && e.limit === 4);
          got.push('too long');
          break;
        }
        assert.ok(b.pending <= 5);
      }
      assert.deepEqual(got, c.want);
      if (got.at(-1) !== 'too long') assert.equal(b.end(), c.rest);
    });
  }

  it('a final line of the cap and a \\r is over it (an unterminated \\r is content)', () => {
    const b = new LineBuffer(4);
    assert.deepEqual(b.push(Buffer.from('abcd\r')), []);
    assert.throws(() => b.end(), LineTooLongError);
  });

  it('a cap under one byte is refused', () => {
    assert.throws(() => new LineBuffer(0), RangeError);
  });
});

describe('parseWatchLine', () => {
  it('parses an event and skips blank lines', () => {
    const ev = parseWatchLine('{"type":"ADDED","object":{"metadata":{"name":"p"}}}', 'u');
    assert.equal(ev?.type, 'ADDED');
    assert.equal(parseWatchLine('  ', 'u'), undefined);
  });

  it('a non-JSON line is a KubeError naming the URL', () => {
    assert.throws(
      () => parseWatchLine('<html>oops</html>', 'https://k/api/v1/pods?watch=1'),
      (e: unknown) =>
        e instanceof KubeError &&
        e.status === 0 &&
        e.message.startsWith('invalid watch event from https://k/api/v1/pods?watch=1: ') &&
        e.message.endsWith('<html>oops</html>'),
    );
    assert.throws(
      () => parseWatchLine('{"kind":"PodList"}', 'u'),
      /invalid watch event from u: not a watch event/,
    );
  });
});

describe('request queries', () => {
  const base = { namespace: 'ns', pod: 'p', container: 'c', follow: true, timestamps: true };
  it('sends tailLines=0 but never sinceSeconds=0', () => {
    assert.equal(
      logQuery({ ...base, tailLines: 0, sinceSeconds: 0 }),
      '?container=c&follow=true&timestamps=true&tailLines=0',
    );
  });
  it('sends every log option', () => {
    assert.equal(
      logQuery({
        ...base,
        follow: false,
        sinceSeconds: 1.5,
        sinceTime: '2024-01-01T00:00:00Z',
        limitBytes: 10,
        previous: true,
      }),
      '?container=c&timestamps=true&sinceSeconds=2&sinceTime=2024-01-01T00%3A00%3A00Z&limitBytes=10&previous=true',
    );
  });
  it('builds watch queries', () => {
    assert.equal(
      watchQuery({
        resourceVersion: '12',
        allowWatchBookmarks: true,
        labelSelector: 'app=a,tier in (x)',
        timeoutSeconds: 300,
      }),
      '?watch=1&resourceVersion=12&allowWatchBookmarks=true&labelSelector=app%3Da%2Ctier+in+%28x%29&timeoutSeconds=300',
    );
  });
});
