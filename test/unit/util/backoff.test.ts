import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../../../src/util/backoff.ts';
import { MAX_DELAY_MS } from '../../../src/util/sleep.ts';

describe('backoffDelay (tails and pod watcher): exponential, jittered, at least Retry-After, never beyond a node timer', () => {
  const b = { initialMs: 500, maxMs: 10_000 };
  const cases: { name: string; attempt: number; retryAfter?: number; want: number }[] = [
    { name: 'no Retry-After, attempt 0, random 1', attempt: 0, want: 500 },
    { name: 'Retry-After 3 s wins over the jitter', attempt: 0, retryAfter: 3, want: 3000 },
    { name: 'Retry-After 99999999999 s is clamped', attempt: 0, retryAfter: 99999999999, want: MAX_DELAY_MS },
    { name: 'Retry-After exactly the limit', attempt: 3, retryAfter: 2 ** 31 / 1000, want: MAX_DELAY_MS },
    { name: 'doubles per attempt', attempt: 3, want: 4000 },
    { name: 'capped at maxMs', attempt: 20, want: 10_000 },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.equal(
        backoffDelay(c.attempt, b, () => 1, c.retryAfter),
        c.want,
      ),
    );
  }
});

describe('backoffDelay jitter', () => {
  it('is uniform in [d/2, d]: the lowest draw waits half', () => {
    const b = { initialMs: 500, maxMs: 10_000 };
    assert.equal(
      backoffDelay(0, b, () => 0),
      250,
    );
    assert.equal(
      backoffDelay(20, b, () => 0),
      5000,
    );
    assert.equal(
      backoffDelay(3, b, () => 0.5),
      3000,
    );
  });
});
