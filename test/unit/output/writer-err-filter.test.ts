// Issue 7, point 6: every stderr write goes through one filter (terminal sanitising when stderr is a
// terminal or --sanitize); stdout is left alone.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { paletteSgr } from '../../../src/output/colors.ts';
import { textSanitizerFor } from '../../../src/output/sanitize.ts';
import { Writer } from '../../../src/output/writer.ts';

function sinks() {
  const out = new PassThrough();
  const err = new PassThrough();
  const got = { out: '', err: '' };
  out.on('data', (b: Buffer) => (got.out += b.toString('utf8')));
  err.on('data', (b: Buffer) => (got.err += b.toString('utf8')));
  return { out, err, got };
}

describe('Writer errFilter', () => {
  it('filters stderr writes only', async () => {
    const s = sinks();
    const errFilter = textSanitizerFor({ isTTY: true, sanitizeFlag: false, color: true })!;
    const w = new Writer({ out: s.out, err: s.err, errFilter });
    await w.out('\x1b]0;out\x07\n');
    await w.err('\x1b[92m\x1b[1m+\x1b[22m\x1b[39m failed: \x1b]0;t\x07 \u202e\x1b[31m red\n');
    await w.flush();
    assert.equal(s.got.out, '\x1b]0;out\x07\n');
    assert.equal(
      s.got.err,
      '\x1b[92m\x1b[1m+\x1b[22m\x1b[39m failed: \\x1b]0;t\\x07 \\u202e\x1b[31m red\x1b[0m\n',
    );
  });

  it('writes stderr as is without a filter', async () => {
    const s = sinks();
    const w = new Writer({ out: s.out, err: s.err });
    await w.err('\x1b]0;t\x07\n');
    await w.flush();
    assert.equal(s.got.err, '\x1b]0;t\x07\n');
  });
});

describe('textSanitizerFor', () => {
  it('is off when the stream is not a terminal and --sanitize is not given', () => {
    assert.equal(textSanitizerFor({ isTTY: false, sanitizeFlag: false, color: true }), undefined);
    assert.ok(textSanitizerFor({ isTTY: false, sanitizeFlag: true, color: false }));
  });
  it('escapes SGR too when kstern does not colour', () => {
    assert.equal(
      textSanitizerFor({ isTTY: true, sanitizeFlag: false, color: false })!('\x1b[31mx\n'),
      '\\x1b[31mx\n',
    );
  });
  it('lets kstern own palette colours through', () => {
    const f = textSanitizerFor({
      isTTY: true,
      sanitizeFlag: false,
      color: true,
      ownSgr: paletteSgr([['7;96', '7;96']]),
    })!;
    // chalk's inverse (7) and its reset (27): escaped in a log line, kstern's own here
    const attach = '+ \x1b[7m\x1b[96mpod\x1b[39m\x1b[27m\n';
    assert.equal(f(attach), attach);
  });
});
