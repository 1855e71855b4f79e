// The one backoff formula, for the tails and the pod watcher.
import { clampDelay } from './sleep.ts';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with equal jitter: attempt 0 waits about initialMs, each further attempt doubles,
 * capped at maxMs; the wait is drawn uniformly from [d/2, d] so that many retries do not align, never
 * less than the server's Retry-After, and never more than a node timer takes (clampDelay).
 */
export function backoffDelay(
  attempt: number,
  b: Backoff,
  random: () => number,
  retryAfterSeconds = 0,
): number {
  const d = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  return clampDelay(Math.max(Math.round(d / 2 + (random() * d) / 2), retryAfterSeconds * 1000));
}
