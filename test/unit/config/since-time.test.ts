import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSinceTime } from '../../../src/config/since-time.ts';
import { UserError } from '../../../src/util/errors.ts';

describe('parseSinceTime', () => {
  const ok: [string, string][] = [
    ['2026-01-02T15:04:05Z', '2026-01-02T15:04:05Z'],
    ['2026-01-02T15:04:05+09:00', '2026-01-02T06:04:05Z'],
    ['2026-01-02T01:04:05-05:30', '2026-01-02T06:34:05Z'],
    ['2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00Z'],
    ['2026-01-02T15:04:05.999999999Z', '2026-01-02T15:04:05Z'], // whole seconds, towards the past
    ['2026-01-02T15:04:05.5+00:00', '2026-01-02T15:04:05Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00Z'],
  ];
  for (const [input, want] of ok) it(input, () => assert.equal(parseSinceTime(input), want));

  const bad = [
    '',
    '2026-01-02',
    '2026-01-02 15:04:05Z',
    '2026-01-02T15:04:05', // no zone
    '2026-01-02T15:04Z',
    '2026-13-02T15:04:05Z',
    '2025-02-29T15:04:05Z',
    '2026-01-02T15:04:05.Z',
    '2026-01-02T15:04:05+0900',
    '1h',
  ];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)}`, () =>
      assert.throws(
        () => parseSinceTime(input),
        (e: unknown) =>
          e instanceof UserError &&
          e.exitCode === 2 &&
          e.message ===
            `invalid value "${input}" for --since-time: not an RFC3339 time (e.g. 2026-01-02T15:04:05Z)`,
      ));
  }
});
