import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileUserRegex } from '../../../src/config/user-regex.ts';
import { UserError } from '../../../src/util/errors.ts';

const bracket = (m: string) => `[${m}]`;

// Each pattern is run as written and, where it is a literal alternation (the V8 fast path), also as an
// equivalent that forces re2js (`(?:…)`), so both engines are held to the same answers.
function both(source: string): string[] {
  return [source, `(?:${source})`];
}

describe('compileUserRegex: test (Go semantics, both engines)', () => {
  const cases: [string, string, boolean][] = [
    ['ERROR|WARN', 'level=WARN msg=x', true],
    ['ERROR|WARN', 'level=info', false],
    ['error', 'ERROR', false],
    ['(?i)error', 'an ERROR here', true],
    ['(?i)k', '\u212a', true], // Go folds K with U+212A KELVIN SIGN
    ['(?i)s', '\u017f', true], // and s with U+017F LATIN SMALL LETTER LONG S
    ['a\\.b', 'a.b', true],
    ['a\\.b', 'axb', false],
    ['1\\+1=2', '1+1=2', true],
    ['x/y', 'x/y', true],
    ['"q"', 'say "q"', true],
  ];
  for (const [source, s, want] of cases) {
    for (const src of both(source)) {
      it(`${src} on ${JSON.stringify(s)}`, () => assert.equal(compileUserRegex(src, 'w').test(s), want));
    }
  }

  const re2Only: [string, string, boolean][] = [
    ['web-\\w', 'web-backend', true], // unanchored
    ['^web$', 'web-1', false],
    ['(?i)WEB-[0-9]+\\z', 'web-12', true],
    ['[[:digit:]]{3}', 'a123', true],
    ['\\pL+', 'é', true],
    ['^.$', '😀', true], // one code point, not two UTF-16 units
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['(?P<n>x)y', 'xy', true],
    ['(?s)a.b', 'a\nb', true],
    ['a.b', 'a\nb', false],
  ];
  for (const [src, s, want] of re2Only) {
    it(`${src} on ${JSON.stringify(s)}`, () => assert.equal(compileUserRegex(src, 'w').test(s), want));
  }

  it('hostile (a+)+$ answers at once on a long line', () =>
    assert.equal(compileUserRegex('(a+)+$', 'w').test(`${'a'.repeat(100_000)}!`), false));
});

describe('compileUserRegex: replaceAll (Go ReplaceAllStringFunc)', () => {
  const cases: [string, string, string][] = [
    ['test', 'test matched test', '[test] matched [test]'],
    ['match on the longer one|match', 'test match on the longer one', 'test [match on the longer one]'],
    ['match|match on the longer one', 'test match on the longer one', 'test [match] on the longer one'],
    ['(?i)warn', 'WARN warn', '[WARN] [warn]'],
    ['a*', 'baaac', '[]b[aaa]c[]'], // an empty match right after a match is not replaced
    ['', 'a😀b', '[]a[]😀[]b[]'], // the search advances by code point
    ['.', 'a😀b', '[a][😀][b]'],
    ['x', 'none here', 'none here'],
    ['^a', 'aaa', '[a]aa'], // ^ is the start of the input, not of the search
    ['\\bfoo', 'xfoo foo', 'xfoo [foo]'],
  ];
  for (const [source, s, want] of cases) {
    it(`${source} on ${JSON.stringify(s)}`, () =>
      assert.equal(compileUserRegex(source, 'w').replaceAll(s, bracket), want));
  }
  for (const src of both('ERROR|WARN')) {
    it(`${src}: every match`, () =>
      assert.equal(
        compileUserRegex(src, 'w').replaceAll('WARN, ERROR; WARN', bracket),
        '[WARN], [ERROR]; [WARN]',
      ));
  }
  it('keeps the source', () => assert.equal(compileUserRegex('(?i)x', 'w').source, '(?i)x'));
  it('a global fast path keeps no state between calls', () => {
    const re = compileUserRegex('ab', 'w');
    assert.equal(re.replaceAll('ab ab', bracket), '[ab] [ab]');
    assert.equal(re.replaceAll('ab', bracket), '[ab]');
    assert.equal(re.test('ab'), true);
    assert.equal(re.test('ab'), true);
  });
});

describe('compileUserRegex: engine', () => {
  const cases: [string, 'v8' | 're2js'][] = [
    ['ERROR', 'v8'],
    ['ERROR|WARN', 'v8'],
    ['(?i)error|warn', 'v8'],
    ['a\\.b|c\\(d\\)', 'v8'],
    ['level=warn msg="x" #1 @a ~b <c> &d', 'v8'],
    ['(?:ERROR|WARN)', 're2js'],
    ['ERROR|(?i)WARN', 're2js'],
    ['a|', 're2js'], // an empty alternative matches the empty string
    ['|a', 're2js'],
    ['a.b', 're2js'],
    ['a+', 're2js'],
    ['a{2}', 're2js'],
    ['^a', 're2js'],
    ['a$', 're2js'],
    ['\\d', 're2js'],
    ['é', 're2js'], // ASCII only
    ['(?s)x', 're2js'],
  ];
  for (const [source, want] of cases) {
    it(`${source} → ${want}`, () => assert.equal(compileUserRegex(source, 'w').engine, want));
  }
});

describe('compileUserRegex: errors (Go syntax)', () => {
  const cases: [string, string, string][] = [
    ['(a', 'from query', 'error parsing regexp: missing closing ): `(a`'],
    ['a**', 'for exclusion filter', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['[z-a]', 'for container query', 'error parsing regexp: invalid character class range: `z-a`'],
    ['\\1', 'for inclusion filter', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['(?=x)', 'for highlight filter', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
  ];
  for (const [source, what, reason] of cases) {
    it(source, () =>
      assert.throws(
        () => compileUserRegex(source, what),
        (e: unknown) =>
          e instanceof UserError &&
          e.exitCode === 2 &&
          e.message === `failed to compile regular expression ${what}: ${reason}`,
      ),
    );
  }
});
