/** Resolves after `ms`, or at once (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with jitter: attempt 0 waits about initialMs, each further attempt doubles,
 * capped at maxMs; the wait is drawn uniformly from [d/2, d] so that many retries do not align.
 */
export function backoffDelay(attempt: number, b: Backoff, random: () => number): number {
  const d = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + (random() * d) / 2);
}
