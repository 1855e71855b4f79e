import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileUserRegex } from '../../../src/config/user-regex.ts';
import { compileHighlighter, compileLineFilter } from '../../../src/output/filters.ts';

const re = (s: string) => compileUserRegex(s, 'w');
/** stern's highlight, red and bold, as chalk writes it. */
const H = (s: string) => `\x1b[31m\x1b[1m${s}\x1b[22m\x1b[39m`;

describe('compileLineFilter', () => {
  it('no filters: undefined (fast path)', () =>
    assert.equal(compileLineFilter({ include: [], exclude: [] }), undefined));

  const msg = 'this is a log message';
  // stern TestIsIncludeTestOptions / TestIsExclude, then both together.
  const cases: [string, string[], string[], boolean][] = [
    ['include miss', ['this is not'], [], false],
    ['include hit', ['this is'], [], true],
    ['include: one of several', ['nope', 'log'], [], true],
    ['exclude miss', [], ['this is not'], true],
    ['exclude hit', [], ['this is'], false],
    ['exclude: one of several', [], ['no match', 'log message'], false],
    ['exclude wins over include', ['log'], ['message'], false],
    ['include and a missing exclude', ['log'], ['debug'], true],
  ];
  for (const [name, include, exclude, want] of cases) {
    it(name, () => {
      const f = compileLineFilter({ include: include.map(re), exclude: exclude.map(re) });
      assert.ok(f);
      assert.equal(f(msg), want);
    });
  }
  it('takes plain RegExps too', () => {
    const f = compileLineFilter({ include: [/LOG/i], exclude: [] });
    assert.equal(f?.(msg), true);
  });
});

describe('compileHighlighter', () => {
  it('no patterns: undefined', () => assert.equal(compileHighlighter([], 3), undefined));
  it('colour off (level 0): undefined', () => assert.equal(compileHighlighter(['test'], 0), undefined));

  // stern TestHighlightMatchedString (highlight only) and TestHighlighIncludedString (include only):
  // the highlighter takes the include and highlight sources together.
  const single: [string, string[], string][] = [
    ['test matched', ['test'], `${H('test')} matched`],
    ['test not-matched', ['hoge'], 'test not-matched'],
    ['test matched', ['not-matched', 'matched'], `test ${H('matched')}`],
    ['test multiple matched', ['multiple', 'matched'], `test ${H('multiple')} ${H('matched')}`],
    [
      'test match on the longer one',
      ['match', 'match on the longer one'],
      `test ${H('match on the longer one')}`,
    ],
  ];
  for (const [msg, patterns, want] of single) {
    it(`${JSON.stringify(msg)} with ${patterns.join(', ')}`, () =>
      assert.equal(compileHighlighter(patterns, 3)?.(msg), want));
  }

  // stern TestIncludeAndHighlightMatchedString: include + highlight.
  const both: [string, string[], string[], string][] = [
    ['test matched with highlight', ['test'], ['highlight'], `${H('test')} matched with ${H('highlight')}`],
    ['test not-matched', ['hoge'], ['highlight'], 'test not-matched'],
    [
      'test matched with highlight',
      ['not-matched', 'matched'],
      ['no-with-highlight', 'with highlight'],
      `test ${H('matched')} ${H('with highlight')}`,
    ],
    [
      'test multiple matched with many highlight',
      ['multiple', 'matched'],
      ['many', 'highlight'],
      `test ${H('multiple')} ${H('matched')} with ${H('many')} ${H('highlight')}`,
    ],
    [
      'test match on the longer one',
      ['match', 'match on the longer one'],
      ['match', 'match on the longer one'],
      `test ${H('match on the longer one')}`,
    ],
  ];
  for (const [msg, include, highlight, want] of both) {
    it(`${JSON.stringify(msg)} include ${include.join(', ')} highlight ${highlight.join(', ')}`, () =>
      assert.equal(compileHighlighter([...include, ...highlight], 3)?.(msg), want));
  }

  const more: [string, string[], string, string][] = [
    ['the prefix is highlighted too', ['pod'], 'pod-1 c pod started', `${H('pod')}-1 c ${H('pod')} started`],
    [
      'regexes, not literals',
      ['err(or)?', 'w.rn'],
      'error warn err',
      `${H('error')} ${H('warn')} ${H('err')}`,
    ],
    [
      'an inline flag reaches the shorter patterns after it',
      ['(?i)error', 'warn'],
      'ERROR WARN err',
      `${H('ERROR')} ${H('WARN')} err`,
    ],
    // 'éé' is 4 bytes (2 UTF-16 units), '...' is 3: Go's len() puts 'éé' first.
    ['longest by UTF-8 length', ['...', 'éé'], 'ééé', `${H('éé')}é`],
  ];
  for (const [name, patterns, input, want] of more) {
    it(name, () => assert.equal(compileHighlighter(patterns, 3)?.(input), want));
  }

  it('the same colours at every level (16-colour codes)', () => {
    for (const level of [1, 2] as const)
      assert.equal(compileHighlighter(['b'], level)?.('abc'), `a${H('b')}c`);
  });
});
