/**
 * The longest delay a node timer takes (2^31-1 ms, about 24.8 days). Node turns a longer one (or a
 * non-number) into 1 ms with a TimeoutOverflowWarning, which makes a huge Retry-After a request storm.
 */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** `ms` as a delay node's timers honour: NaN and negatives are 0, anything over MAX_DELAY_MS is MAX_DELAY_MS. */
export function clampDelay(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_DELAY_MS);
}

/** Resolves after `ms` (clamped by clampDelay), or at once (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, clampDelay(ms));
    signal.addEventListener('abort', done, { once: true });
  });
}
