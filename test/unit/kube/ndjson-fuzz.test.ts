// Property tests of the watch stream decoder: any chunking of any bytes gives the lines of the whole
// input, and no line (complete or held back) ever exceeds the cap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineBuffer, LineTooLongError } from '../../../src/kube/ndjson.ts';

/** `bytes` cut at `cuts` (positions, any order, duplicates allowed). */
function chunked(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(Buffer.from(bytes.subarray(prev, c)));
    prev = c;
  }
  return out;
}

/** Bytes biased towards newlines and multi-byte UTF-8, so lines and split characters are common. */
const streamBytes = fc
  .array(
    fc.oneof(
      fc.constant(Uint8Array.of(0x0a)),
      fc.constant(Buffer.from('é€😀')),
      fc.uint8Array({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Uint8Array.from(Buffer.concat(parts)));

function decode(chunks: Buffer[], max?: number): { lines: string[]; rest: string | undefined } | 'too long' {
  const b = new LineBuffer(max);
  const lines: string[] = [];
  try {
    for (const c of chunks) {
      lines.push(...b.push(c));
      assert.ok(b.pending <= b.maxLineBytes, `held ${b.pending} > ${b.maxLineBytes}`);
    }
  } catch (e) {
    if (e instanceof LineTooLongError) return 'too long';
    throw e;
  }
  return { lines, rest: b.end() };
}

describe('LineBuffer properties', () => {
  it('any chunking gives the same lines as the whole input', () => {
    fc.assert(
      fc.property(streamBytes, fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const whole = decode([Buffer.from(bytes)]);
        assert.deepEqual(decode(chunked(bytes, cuts)), whole);
        // And they are the input's lines, decoded as UTF-8 whole.
        const nl = Buffer.from(bytes).lastIndexOf(0x0a);
        if (whole === 'too long') return;
        assert.equal(
          whole.lines.join('\n'),
          nl < 0 ? '' : Buffer.from(bytes.subarray(0, nl)).toString('utf8'),
        );
        assert.equal(
          whole.rest,
          nl === bytes.length - 1 || bytes.length === 0
            ? undefined
            : Buffer.from(bytes.subarray(nl + 1)).toString('utf8'),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the cap holds: a line over it fails whatever the chunking; lines within it pass', () => {
    fc.assert(
      fc.property(
        streamBytes,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 0, max: 40 }),
        (bytes, cuts, max) => {
          const buf = Buffer.from(bytes);
          const segments: number[] = [];
          let prev = 0;
          for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
            segments.push(i - prev);
            prev = i + 1;
          }
          segments.push(buf.length - prev);
          const over = segments.some((n) => n > max);
          const r = decode(chunked(bytes, cuts), max);
          assert.equal(r === 'too long', over);
          if (r !== 'too long')
            for (const l of r.lines) assert.ok(Buffer.byteLength(l) <= max || l.includes('\ufffd'));
        },
      ),
      { numRuns: 300 },
    );
  });
});
