import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineSplitter, PIECE } from '../../../src/util/lines.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

function splitAll(chunks: Buffer[]): Buffer[] {
  const s = new LineSplitter();
  const out: Buffer[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.end());
  return out;
}

describe('LineSplitter', () => {
  const cases: { name: string; chunks: string[]; want: string[] }[] = [
    { name: 'nothing', chunks: [], want: [] },
    { name: 'empty chunk', chunks: [''], want: [] },
    { name: 'one line', chunks: ['a\n'], want: ['a'] },
    { name: 'several lines in one chunk', chunks: ['a\nbb\nccc\n'], want: ['a', 'bb', 'ccc'] },
    { name: 'empty lines are kept', chunks: ['\n\na\n\n'], want: ['', '', 'a', ''] },
    { name: 'final unterminated line at end()', chunks: ['a\nb'], want: ['a', 'b'] },
    { name: 'line split over chunks', chunks: ['he', 'll', 'o\nwor', 'ld\n'], want: ['hello', 'world'] },
    { name: 'newline alone in a chunk', chunks: ['abc', '\n', 'd'], want: ['abc', 'd'] },
    { name: 'CRLF', chunks: ['a\r\nb\r\n'], want: ['a', 'b'] },
    { name: 'CR and LF in different chunks', chunks: ['a\r', '\nb'], want: ['a', 'b'] },
    { name: 'only one CR is dropped', chunks: ['a\r\r\n'], want: ['a\r'] },
    { name: 'CR inside a line is kept', chunks: ['a\rb\n'], want: ['a\rb'] },
    { name: 'lone CR line', chunks: ['\r\n'], want: [''] },
    { name: 'unterminated final CR is kept', chunks: ['a\r'], want: ['a\r'] },
    { name: 'NUL bytes pass through', chunks: ['a\0b\n\0\n'], want: ['a\0b', '\0'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepStrictEqual(
        splitAll(c.chunks.map(b)).map((l) => l.toString('latin1')),
        c.want,
      );
    });
  }

  it('passes invalid UTF-8 through byte for byte, even split mid-sequence', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x0a, 0xe2, 0x80, 0xba, 0xc3, 0x0a, 0x80, 0x80]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const got = splitAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.deepStrictEqual(got, [
        Buffer.from([0xff, 0xfe]),
        Buffer.from([0xe2, 0x80, 0xba, 0xc3]),
        Buffer.from([0x80, 0x80]),
      ]);
    }
  });

  it('every split point of a multi-line input gives the same lines', () => {
    const input = b('first\r\nsecond\n\nthird\nlast');
    const want = ['first', 'second', '', 'third', 'last'];
    for (let i = 0; i <= input.length; i++) {
      for (let j = i; j <= input.length; j++) {
        const got = splitAll([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]);
        assert.deepStrictEqual(
          got.map((l) => l.toString()),
          want,
          `cuts ${i},${j}`,
        );
      }
    }
  });

  it('end() resets: the splitter is reusable', () => {
    const s = new LineSplitter();
    s.push(b('abc'));
    assert.deepStrictEqual(s.end().map(String), ['abc']);
    assert.deepStrictEqual(s.end(), []);
    assert.deepStrictEqual(s.push(b('x\n')).map(String), ['x']);
  });

  it('keeps a 1 MiB+ line intact', () => {
    const line = Buffer.alloc(1024 * 1024 + 7);
    for (let i = 0; i < line.length; i++) line[i] = 0x20 + (i % 90);
    const input = Buffer.concat([line, b('\nnext\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length; i += 65536) chunks.push(input.subarray(i, i + 65536));
    const got = splitAll(chunks);
    assert.equal(got.length, 2);
    assert.ok(got[0]?.equals(line));
    assert.equal(got[1]?.toString(), 'next');
  });

  it('assembles a 10 MiB line from 16 KiB chunks', () => {
    const size = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    const s = new LineSplitter();
    for (let n = 0; n < size; n += chunk.length) assert.equal(s.push(chunk).length, 0);
    const [line] = s.push(b('\n'));
    assert.equal(line?.length, size);
    assert.equal(line?.[size - 1], 0x61);
  });
});

/** Splits with a cap: the entries with their kinds, as `<kind>:<text>`. */
function splitCapped(chunks: Buffer[], max: number): string[] {
  const s = new LineSplitter(max);
  const out: string[] = [];
  const take = (lines: Buffer[]) => {
    lines.forEach((l, i) => {
      out.push(`${s.kinds?.[i] ?? PIECE.whole}:${l.toString('latin1')}`);
    });
  };
  for (const c of chunks) take(s.push(c));
  take(s.end());
  return out;
}

describe('LineSplitter with a line cap (--max-line-bytes)', () => {
  const W = PIECE.whole;
  const F = PIECE.first;
  const M = PIECE.middle;
  const L = PIECE.last;
  const cases: { name: string; chunks: string[]; want: string[] }[] = [
    { name: 'short lines are whole', chunks: ['abc\nde\n'], want: [`${W}:abc`, `${W}:de`] },
    { name: 'exactly the cap is whole', chunks: ['abcd\n'], want: [`${W}:abcd`] },
    { name: 'one over the cap: two pieces', chunks: ['abcde\n'], want: [`${F}:abcd`, `${L}:e`] },
    {
      name: 'several pieces, then a whole line',
      chunks: ['abcdefghij\nxy\n'],
      want: [`${F}:abcd`, `${M}:efgh`, `${L}:ij`, `${W}:xy`],
    },
    {
      name: 'a multiple of the cap: the last piece is full',
      chunks: ['abcdefgh\n'],
      want: [`${F}:abcd`, `${L}:efgh`],
    },
    { name: 'CRLF at the cut is a line end, not a piece', chunks: ['abcd\r\n'], want: [`${W}:abcd`] },
    { name: 'CRLF after a long line', chunks: ['abcdef\r\n'], want: [`${F}:abcd`, `${L}:ef`] },
    {
      name: 'pieces are returned before the line ends (bounded memory)',
      chunks: ['abcdefghi'],
      want: [`${F}:abcd`, `${M}:efgh`, `${L}:i`],
    },
    { name: 'a CR waiting at the cut', chunks: ['abcd\r', '\n'], want: [`${W}:abcd`] },
    { name: 'a CR at the cut that is content', chunks: ['abcd\r', 'x\n'], want: [`${F}:abcd`, `${L}:\rx`] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepStrictEqual(splitCapped(c.chunks.map(b), 4), c.want);
    });
  }

  it('pieces of an unterminated line come out as its bytes arrive, never more than the cap held', () => {
    const s = new LineSplitter(1024);
    let returned = 0;
    for (let i = 0; i < 1000; i++) {
      const lines = s.push(Buffer.alloc(1000, 0x61));
      for (const l of lines) assert.equal(l.length, 1024);
      returned += lines.length;
      assert.ok(s.pending <= 1024, `held ${s.pending}`);
      // Everything but the last partial piece has been handed out.
      assert.equal(returned, Math.floor(((i + 1) * 1000 - 1) / 1024));
    }
    assert.equal(s.inLongLine, true);
  });

  it('property: any chunking of any bytes gives the same entries; pieces rejoin into the uncapped lines', () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ maxLength: 200 })
          .map((a) => Buffer.from(a.map((x) => (x % 8 === 0 ? 0x0a : x % 9 === 0 ? 0x0d : x)))),
        fc.array(fc.nat({ max: 200 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        (input, cuts, max) => {
          const points = [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort((x, y) => x - y);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, input.length]) {
            chunks.push(input.subarray(prev, p));
            prev = p;
          }
          const whole = splitCapped([input], max);
          assert.deepStrictEqual(splitCapped(chunks, max), whole);
          // Joining the pieces gives what an uncapped splitter returns.
          const joined: string[] = [];
          let cur: string | undefined;
          for (const e of whole) {
            const kind = Number(e[0]);
            const text = e.slice(2);
            assert.ok(Buffer.byteLength(text, 'latin1') <= max, 'no entry over the cap');
            if (kind === PIECE.whole) joined.push(text);
            else if (kind === PIECE.first) cur = text;
            else if (kind === PIECE.middle) cur += text;
            else {
              joined.push(cur + text);
              cur = undefined;
            }
          }
          assert.deepStrictEqual(
            joined,
            splitAll([input]).map((l) => l.toString('latin1')),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
