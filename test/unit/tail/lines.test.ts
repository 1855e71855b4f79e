import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../../src/tail/lines.ts';

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
