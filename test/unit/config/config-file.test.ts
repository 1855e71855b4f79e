import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfigFile, type ValueShape } from '../../../src/config/config-file.ts';
import { UserError } from '../../../src/util/errors.ts';

const KNOWN = new Map<string, ValueShape>([
  ['tail', 'scalar'],
  ['max-log-requests', 'scalar'],
  ['timestamps', 'scalar'],
  ['diff-container', 'scalar'],
  ['since', 'scalar'],
  ['since-time', 'scalar'],
  ['qps', 'scalar'],
  ['pod-colors', 'scalar'],
  ['exclude', 'list'],
  ['namespace', 'list'],
]);

function enoent(): Error {
  return Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
}

function load(text: string | Error, isDefault = false, path = '/c.yaml') {
  return loadConfigFile({
    path,
    isDefault,
    knownOptions: KNOWN,
    readFile: async (p) => {
      assert.equal(p, path);
      if (text instanceof Error) throw text;
      return text;
    },
  });
}

const userError = (message: string) => (e: unknown) =>
  e instanceof UserError && e.exitCode === 1 && e.message === message;

describe('loadConfigFile: values', () => {
  const cases: [string, string, [string, string | string[]][]][] = [
    ['tail=1 (stern testdata)', 'tail: 1\n', [['tail', '1']]],
    ['empty file', '', []],
    ['only a comment', '# nothing\n', []],
    [
      'scalars through String()',
      'max-log-requests: 999\ntimestamps: short\ndiff-container: true\nqps: 0.5\npod-colors: "32,33"\n',
      [
        ['max-log-requests', '999'],
        ['timestamps', 'short'],
        ['diff-container', 'true'],
        ['qps', '0.5'],
        ['pod-colors', '32,33'],
      ],
    ],
    [
      'a time stays text (core schema)',
      'since-time: 2026-01-02T15:04:05Z\n',
      [['since-time', '2026-01-02T15:04:05Z']],
    ],
    ['a Go duration', 'since: 1h30m\n', [['since', '1h30m']]],
    ['a list (stern array test)', 'exclude: ["abcd", "efgh"]\n', [['exclude', ['abcd', 'efgh']]]],
    ['a block list', 'namespace:\n  - a\n  - b\n', [['namespace', ['a', 'b']]]],
    ['a scalar for a list option', 'exclude: "hello-world"\n', [['exclude', ['hello-world']]]],
    ['an empty list', 'exclude: []\n', [['exclude', []]]],
    ['list items through String()', 'exclude: [1, true, x]\n', [['exclude', ['1', 'true', 'x']]]],
    ['null is ignored', 'tail:\nexclude: ~\n', []],
  ];
  for (const [name, text, want] of cases) {
    it(name, async () => {
      const r = await load(text);
      assert.deepEqual([...r.values], want);
      assert.deepEqual(r.warnings, []);
    });
  }

  it('an unknown option is a warning, the rest still loads', async () => {
    const r = await load('tail: 2\nno-such-flag: 1\n');
    assert.deepEqual([...r.values], [['tail', '2']]);
    assert.deepEqual(r.warnings, ['unknown option in config file "/c.yaml": no-such-flag']);
  });
});

describe('loadConfigFile: missing and broken files', () => {
  it('a missing default file is ignored', async () => {
    const r = await load(enoent(), true);
    assert.deepEqual([...r.values], []);
    assert.deepEqual(r.warnings, []);
  });
  it('a missing explicit file is an error', () =>
    assert.rejects(load(enoent(), false, '/x/c.yaml'), userError('config file "/x/c.yaml" does not exist')));
  it('another read error is reported even for the default file', () =>
    assert.rejects(
      load(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' }), true),
      userError('cannot read config file "/c.yaml": EACCES: permission denied, open'),
    ));
  it('invalid YAML: one line', () =>
    assert.rejects(load('tail: [1\n'), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.exitCode, 1);
      assert.equal(
        e.message,
        'config file "/c.yaml" is not valid YAML: unexpected end of the stream within a flow collection (2:1)',
      );
      return true;
    }));
  it('YAML that is not a mapping', () =>
    assert.rejects(
      load('- tail\n- 1\n'),
      userError('config file "/c.yaml" is not a YAML mapping of option names to values'),
    ));
  it('a list for a scalar option', () =>
    assert.rejects(
      load('tail: [1, 2]\n'),
      userError('invalid value [1 2] for "tail" in the config file: this option takes one value, not a list'),
    ));
  it('a mapping for a scalar option', () =>
    assert.rejects(
      load('tail: {b: 1, a: x}\n'),
      userError(
        'invalid value map[a:x b:1] for "tail" in the config file: this option takes one value, not a mapping',
      ),
    ));
  it('a mapping inside a list option', () =>
    assert.rejects(
      load('exclude: [a, {b: 1}]\n'),
      userError(
        'invalid value [a map[b:1]] for "exclude" in the config file: a list item must be a single value',
      ),
    ));
});
