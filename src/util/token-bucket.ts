// A token bucket: the shared reconnect budget of the tailers, the stall probes, and --qps/--burst.
import { type Clock, systemClock } from './clock.ts';

/** A token bucket: `take()` waits until a token is available. Shared by many callers, FIFO. */
export class TokenBucket {
  readonly #ratePerSec: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(ratePerSec: number, burst: number, clock: Clock = systemClock) {
    this.#ratePerSec = ratePerSec;
    this.#burst = Math.max(1, burst);
    this.#clock = clock;
    this.#tokens = this.#burst;
    this.#last = clock.now();
  }

  /** Resolves when a token was taken (or at once, without one, when `signal` aborts). */
  take(signal: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#takeOne(signal));
    this.#queue = turn;
    return turn;
  }

  /** Tokens available now (for tests). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#ratePerSec);
    this.#last = now;
  }

  async #takeOne(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) return;
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.#clock.sleep(Math.ceil(((1 - this.#tokens) / this.#ratePerSec) * 1000), signal);
    }
  }
}
