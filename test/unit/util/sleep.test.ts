import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampDelay, MAX_DELAY_MS, sleep } from '../../../src/util/sleep.ts';

describe('clampDelay', () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 1],
    [250.5, 250.5],
    [-5, 0],
    [Number.NaN, 0],
    [MAX_DELAY_MS, MAX_DELAY_MS],
    [MAX_DELAY_MS + 1, MAX_DELAY_MS],
    [99999999999 * 1000, MAX_DELAY_MS],
    [Number.POSITIVE_INFINITY, MAX_DELAY_MS],
    [Number.NEGATIVE_INFINITY, 0],
  ];
  for (const [ms, want] of cases) {
    it(`${ms} → ${want}`, () => assert.equal(clampDelay(ms), want));
  }
});

describe('sleep', () => {
  it('a delay beyond 2^31-1 ms waits (no 1 ms timer, no TimeoutOverflowWarning) until aborted', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const ac = new AbortController();
      let done = false;
      const p = sleep(99999999999 * 1000, ac.signal).then(() => {
        done = true;
      });
      // An overflowing timer fires after 1 ms: give it several event-loop turns past that.
      const t0 = Date.now();
      while (Date.now() - t0 < 20) await new Promise((r) => setImmediate(r));
      assert.equal(done, false);
      ac.abort();
      await p;
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
