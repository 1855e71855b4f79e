import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitize, sanitizerFor } from '../../../src/output/sanitize.ts';

const cases: { name: string; in: string; color: string; plain: string }[] = [
  { name: 'plain text', in: 'hello world', color: 'hello world', plain: 'hello world' },
  { name: 'tab kept', in: 'a\tb', color: 'a\tb', plain: 'a\tb' },
  {
    name: 'SGR colour',
    in: '\x1b[31mred\x1b[0m',
    color: '\x1b[31mred\x1b[0m',
    plain: '\\x1b[31mred\\x1b[0m',
  },
  {
    name: 'SGR 256/truecolour',
    in: '\x1b[38;5;208mx\x1b[38:2::1:2:3m',
    // The line ends with a colour on: a reset is appended so it does not leak into the next line.
    color: '\x1b[38;5;208mx\x1b[38:2::1:2:3m\x1b[0m',
    plain: '\\x1b[38;5;208mx\\x1b[38:2::1:2:3m',
  },
  {
    name: 'OSC 52 clipboard',
    in: '\x1b]52;c;ZXZpbA==\x07',
    color: '\\x1b]52;c;ZXZpbA==\\x07',
    plain: '\\x1b]52;c;ZXZpbA==\\x07',
  },
  {
    name: 'window title',
    in: '\x1b]0;pwned\x1b\\',
    color: '\\x1b]0;pwned\\x1b\\',
    plain: '\\x1b]0;pwned\\x1b\\',
  },
  {
    name: 'clear screen, cursor home',
    in: '\x1b[2J\x1b[H',
    color: '\\x1b[2J\\x1b[H',
    plain: '\\x1b[2J\\x1b[H',
  },
  {
    name: 'cursor up + erase line',
    in: 'x\x1b[1A\x1b[2K',
    color: 'x\\x1b[1A\\x1b[2K',
    plain: 'x\\x1b[1A\\x1b[2K',
  },
  { name: 'CR overwrite', in: 'rm -rf /\rls', color: 'rm -rf /\\x0dls', plain: 'rm -rf /\\x0dls' },
  {
    name: 'backspace, bell, NUL',
    in: 'a\x08b\x07c\x00',
    color: 'a\\x08b\\x07c\\x00',
    plain: 'a\\x08b\\x07c\\x00',
  },
  { name: 'DEL', in: 'a\x7f', color: 'a\\x7f', plain: 'a\\x7f' },
  { name: 'C1 CSI as UTF-8 (U+009B)', in: 'a\u009b2Jb', color: 'a\\u009b2Jb', plain: 'a\\u009b2Jb' },
  { name: 'non-ASCII text kept', in: 'héllo › ✓ 日本', color: 'héllo › ✓ 日本', plain: 'héllo › ✓ 日本' },
  { name: 'SGR-looking but not (no m)', in: '\x1b[31', color: '\\x1b[31', plain: '\\x1b[31' },
  { name: 'lone ESC at the end', in: 'x\x1b', color: 'x\\x1b', plain: 'x\\x1b' },
];

describe('sanitize', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(sanitize(Buffer.from(c.in), true).toString(), c.color, 'colour on');
      assert.equal(sanitize(Buffer.from(c.in), false).toString(), c.plain, 'colour off');
    });
  }

  it('returns the same Buffer when nothing needs escaping (fast path)', () => {
    const b = Buffer.from('GET /healthz 200 1ms\tok');
    assert.equal(sanitize(b, false), b);
    const sgr = Buffer.from('\x1b[1mbold\x1b[0m');
    assert.equal(sanitize(sgr, true), sgr);
  });

  it('keeps invalid UTF-8 bytes as they are, except stray 0x80-0x9f (8-bit C1 controls)', () => {
    const b = Buffer.from([0x66, 0xff, 0xfe, 0x80, 0x1b, 0x5d]);
    assert.deepEqual(
      sanitize(b, false),
      Buffer.concat([Buffer.from([0x66, 0xff, 0xfe]), Buffer.from('\\x80\\x1b]')]),
    );
  });

  it('applies only to a terminal or with --sanitize', () => {
    assert.equal(sanitizerFor({ stdoutIsTTY: false, sanitizeFlag: false, color: true }), undefined);
    assert.ok(sanitizerFor({ stdoutIsTTY: true, sanitizeFlag: false, color: false }));
    assert.ok(sanitizerFor({ stdoutIsTTY: false, sanitizeFlag: true, color: false }));
  });

  it('returns a clean line as it is, without copying', () => {
    const line = Buffer.from(
      '2026-01-02T15:04:05.123Z level=info msg="request served" path=/api/v1/items status=200 dur=1.2ms',
    );
    assert.equal(sanitize(line, true), line);
    assert.equal(sanitize(line, false), line);
  });
});
