// The flags of issue 9 (CI and incidents): defaults, values, and usage errors naming the flag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../src/cli/parse.ts';
import type { Config } from '../../../src/config/config.ts';
import { UserError } from '../../../src/util/errors.ts';
import { EXIT } from '../../../src/util/exit-codes.ts';

function config(...argv: string[]): Config {
  const cmd = parseArgs(argv, 'test');
  assert.equal(cmd.kind, 'run');
  return (cmd as { config: Config }).config;
}

describe('CI flags', () => {
  it('defaults', () => {
    const c = config('x');
    assert.deepEqual(
      [c.allowEmpty, c.waitMs, c.until, c.untilTimeoutMs, c.previous, c.quiet, c.queryText],
      [false, undefined, undefined, undefined, false, false, 'x'],
    );
  });

  it('values', () => {
    const c = config(
      'job/e2e',
      '--allow-empty',
      '--wait',
      '2m',
      '--until',
      'done',
      '--until-timeout',
      '1h30m',
      '--quiet',
    );
    assert.deepEqual(
      [c.allowEmpty, c.waitMs, c.until, c.untilTimeoutMs, c.quiet, c.queryText],
      [true, 120_000, 'done', 5_400_000, true, 'job/e2e'],
    );
  });

  it('--previous reads without following; -p is still --prompt', () => {
    const c = config('x', '--previous');
    assert.equal(c.previous, true);
    assert.equal(c.follow, false);
    assert.equal(config('-p').prompt, true);
    assert.equal(config('-p').previous, false);
  });

  const bad: [string[], RegExp][] = [
    [['x', '--wait', 'soon'], /^invalid value "soon" for --wait/],
    [['x', '--wait', '0s'], /^invalid value "0s" for --wait: must be greater than 0$/],
    [['x', '--until', 'later'], /^until should be 'done'$/],
    [['x', '--until', 'done', '--no-follow'], /cannot be used with --no-follow$/],
    [['x', '--until-timeout', '5m'], /^--until-timeout needs --until done$/],
    [['x', '--until', 'done', '--until-timeout', 'x'], /^invalid value "x" for --until-timeout/],
  ];
  for (const [argv, re] of bad) {
    it(`${argv.join(' ')} is a usage error`, () => {
      assert.throws(
        () => parseArgs(argv, 'test'),
        (e: unknown) => e instanceof UserError && e.exitCode === EXIT.usage && re.test(e.message),
      );
    });
  }
});
