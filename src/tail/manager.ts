// Runs one tailer per target instance and knows which are running.
import type { Pod } from '../kube/types.ts';
import type { Target } from '../targets/types.ts';
import { type TailContext, tailTarget } from './tailer.ts';

interface Running {
  target: Target;
  controller: AbortController;
  done: Promise<void>;
}

export class TailManager {
  readonly #ctx: TailContext;
  readonly #signal: AbortSignal;
  readonly #running = new Map<string, Running>();
  readonly #deleteGraceMs: number;

  constructor(ctx: TailContext, signal: AbortSignal, deleteGraceMs = 10_000) {
    this.#ctx = ctx;
    this.#signal = signal;
    this.#deleteGraceMs = deleteGraceMs;
  }

  /** Starts tailing `t`, unless this very container instance is already tailed. */
  start(t: Target): void {
    const id = `${t.key}@${t.containerId}`;
    if (this.#running.has(id) || this.#signal.aborted) return;
    const controller = new AbortController();
    const onAbort = () => controller.abort(this.#signal.reason);
    this.#signal.addEventListener('abort', onAbort, { once: true });
    const done = tailTarget(t, this.#ctx, controller.signal).finally(() => {
      this.#signal.removeEventListener('abort', onAbort);
      this.#running.delete(id);
    });
    this.#running.set(id, { target: t, controller, done });
  }

  /**
   * The pod is gone from the API. Its streams normally end on their own right after (the last lines
   * are still printed); one that stays open past the grace period is closed.
   */
  podDeleted(pod: Pod): void {
    for (const r of this.#running.values()) {
      if (r.target.podUid === pod.metadata.uid && r.target.namespace === pod.metadata.namespace) {
        setTimeout(() => r.controller.abort('pod deleted'), this.#deleteGraceMs).unref();
      }
    }
  }

  get size(): number {
    return this.#running.size;
  }

  /** Resolves when every tail has ended (after the root signal aborted, or on their own). */
  async drain(): Promise<void> {
    while (this.#running.size > 0) {
      await Promise.allSettled([...this.#running.values()].map((r) => r.done));
    }
  }
}
