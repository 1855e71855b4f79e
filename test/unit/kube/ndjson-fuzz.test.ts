// Property tests of the watch stream decoder: any chunking of any bytes gives the lines of the whole
// input, and no line (complete or held back) ever exceeds the cap (held back: the cap plus a '\r' that
// may begin a CRLF).
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

/** Bytes biased towards newlines, CRLFs and multi-byte UTF-8, so lines and split characters are common. */
const streamBytes = fc
  .array(
    fc.oneof(
      fc.constant(Uint8Array.of(0x0a)),
      fc.constant(Uint8Array.of(0x0d, 0x0a)),
      fc.constant(Buffer.from('é€😀')),
      fc.uint8Array({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Uint8Array.from(Buffer.concat(parts)));

/** The input's '\n'-terminated lines, each without its '\n' and one '\r' before it, and what follows. */
function expectedLines(bytes: Uint8Array): { lines: Buffer[]; rest: Buffer } {
  const buf = Buffer.from(bytes);
  const lines: Buffer[] = [];
  let prev = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, prev)) {
    lines.push(buf.subarray(prev, i > prev && buf[i - 1] === 0x0d ? i - 1 : i));
    prev = i + 1;
  }
  return { lines, rest: buf.subarray(prev) };
}

function decode(chunks: Buffer[], max?: number): { lines: string[]; rest: string | undefined } | 'too long' {
  const b = new LineBuffer(max);
  const lines: string[] = [];
  try {
    for (const c of chunks) {
      lines.push(...b.push(c));
      const bound = (max ?? Number.POSITIVE_INFINITY) + 1;
      assert.ok(b.pending <= bound, `held ${b.pending} > ${bound}`);
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
        // And they are the input's lines, each decoded as UTF-8 whole.
        if (whole === 'too long') return;
        const want = expectedLines(bytes);
        assert.deepEqual(
          whole.lines,
          want.lines.map((l) => l.toString('utf8')),
        );
        assert.equal(whole.rest, want.rest.length === 0 ? undefined : want.rest.toString('utf8'));
      }),
      { numRuns: 300 },
    );
  });

  it('the cap holds: a line over it fails whatever the chunking; lines within it pass', () => {
    fc.assert(
      fc.property(
        streamBytes,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        (bytes, cuts, max) => {
          // The cap counts a line without its line end; a final unterminated line is all content.
          const want = expectedLines(bytes);
          const over = [...want.lines, want.rest].some((l) => l.length > max);
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
