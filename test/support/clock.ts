// A virtual clock for rules that wait: time moves only when the test says so, so tests of backoff,
// budgets and stall detection run in microseconds and never depend on the machine's load.
import type { Clock } from '../../src/util/clock.ts';

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** Lets every pending promise callback run (several rounds: async chains take a few turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

export class VirtualClock implements Clock {
  #now = 0;
  #sleepers: Sleeper[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const s: Sleeper = { at: this.#now + Math.max(0, ms), resolve };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((x) => x !== s);
        resolve();
      };
      s.resolve = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(s);
    });
  }

  /** Sleepers waiting now. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward by `ms`, waking each sleeper at its time, in order, letting the code react. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#sleepers.reduce<Sleeper | undefined>(
        (a, s) => (a === undefined || s.at < a.at ? s : a),
        undefined,
      );
      if (next === undefined || next.at > end) break;
      this.#now = Math.max(this.#now, next.at);
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      next.resolve();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}
