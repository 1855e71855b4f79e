// Exactly-once resume of a follow stream. The API resumes at whole-second granularity (`sinceTime`), so after
// a reconnect it resends the last second; this drops exactly the lines already printed.

import { toSinceTime } from '../core/rfc3339.ts';

/**
 * Remembers the last printed timestamp L and how many printed lines carried exactly L (n). After
 * `beginResume()` (the caller reconnects with `sinceTime()` = L's second), `shouldSkip` drops every line
 * before L and the first n lines at L; the skip phase ends at the first line it lets through.
 *
 * Assumes the tailer prints a container's lines in the order the API sends them (timestamps normally
 * increasing; several lines may share one). stern counts the lines seen within L's whole second and skips
 * that many lines of that second by string comparison; this compares exact nanosecond timestamps and stops
 * skipping at the first line printed, so a later line that repeats a timestamp is never dropped.
 *
 * Lines without a parseable timestamp (`shouldSkip(undefined)`) cannot be placed, so they are never skipped
 * and they do not end the skip phase: the next timestamped line still decides.
 */
export class ResumePoint<K extends bigint | string = bigint> {
  readonly #since: (k: K) => string;
  #last: K | undefined;
  #atLast = 0;
  #skipping = false;
  #skippedAtLast = 0;

  /**
   * Times are nanoseconds (bigint) by default; `since` makes them any totally ordered key with its
   * `sinceTime` (the emitter's fixed-width timestamp strings, core/rfc3339.ts `orderKey`).
   */
  constructor(since?: (k: K) => string) {
    this.#since = since ?? (toSinceTime as (k: bigint | string) => string);
  }

  /** A line with this timestamp was printed. */
  record(tsNs: K): void {
    if (tsNs === this.#last) {
      this.#atLast++;
    } else {
      this.#last = tsNs;
      this.#atLast = 1;
    }
  }

  /** The `sinceTime` to reconnect with (the second of the last printed line); undefined: start afresh. */
  sinceTime(): string | undefined {
    return this.#last === undefined ? undefined : this.#since(this.#last);
  }

  /** Called before each reconnect: the stream will start again at `sinceTime()`. */
  beginResume(): void {
    this.#skipping = this.#last !== undefined;
    this.#skippedAtLast = 0;
  }

  /** Whether this line was already printed before the reconnect. */
  shouldSkip(tsNs: K | undefined): boolean {
    if (!this.#skipping || tsNs === undefined) return false;
    const last = this.#last as K;
    if (tsNs < last) return true;
    if (tsNs === last && this.#skippedAtLast < this.#atLast) {
      this.#skippedAtLast++;
      return true;
    }
    this.#skipping = false;
    return false;
  }
}
