// Runs one tailer per target instance and knows which are running.
import type { Pod } from '../core/kube-objects.ts';
import type { Target } from '../core/model.ts';
import { type TailContext, type TailResult, tailTarget } from './tailer.ts';

interface Running {
  target: Target;
  controller: AbortController;
  done: Promise<TailResult>;
  /** Tells the tail its container changed (a new instance, the pod deleted). */
  recheck: () => void;
}

export class TailManager {
  readonly #ctx: TailContext;
  readonly #signal: AbortSignal;
  readonly #running = new Map<string, Running>();
  readonly #deleteGraceMs: number;
  #failures = 0;
  /** --max-log-requests: tails beyond it wait here, in arrival order, for a free slot. */
  readonly #maxConcurrent: number;
  readonly #queue: Target[] = [];
  readonly #queued = new Set<string>();
  readonly #onQueued: ((waiting: number) => void) | undefined;

  constructor(
    ctx: TailContext,
    signal: AbortSignal,
    o: { deleteGraceMs?: number; maxConcurrent?: number; onQueued?: (waiting: number) => void } = {},
  ) {
    this.#ctx = ctx;
    this.#signal = signal;
    this.#deleteGraceMs = o.deleteGraceMs ?? 10_000;
    this.#maxConcurrent = o.maxConcurrent ?? Number.POSITIVE_INFINITY;
    this.#onQueued = o.onQueued;
    // One listener for all tails (one per tail would trip node's MaxListenersExceededWarning on
    // stderr as soon as more than 10 containers are tailed).
    signal.addEventListener(
      'abort',
      () => {
        for (const r of this.#running.values()) r.controller.abort(signal.reason);
      },
      { once: true },
    );
  }

  /**
   * Starts tailing `t`, unless this very container instance is already tailed or queued. With
   * --max-log-requests streams open, it waits in the queue instead.
   */
  start(t: Target): void {
    const id = `${t.key}@${t.containerId}`;
    if (this.#running.has(id) || this.#queued.has(id) || this.#signal.aborted) return;
    if (this.#running.size >= this.#maxConcurrent) {
      this.#queue.push(t);
      this.#queued.add(id);
      this.#onQueued?.(this.#queue.length);
      return;
    }
    this.#launch(t, id);
  }

  #next(): void {
    while (this.#queue.length > 0 && this.#running.size < this.#maxConcurrent && !this.#signal.aborted) {
      const t = this.#queue.shift()!;
      const id = `${t.key}@${t.containerId}`;
      this.#queued.delete(id);
      // A queued container that was replaced or deleted meanwhile has nothing left to follow.
      const status = this.#ctx.follow ? this.#ctx.targets.status(t) : 'active';
      if (status === 'gone' || status === 'replaced') continue;
      this.#launch(t, id);
    }
  }

  #launch(t: Target, id: string): void {
    // The tails of this container's older instances may be resuming into the new one's log: they check.
    for (const r of this.#running.values()) if (r.target.key === t.key) r.recheck();
    const controller = new AbortController();
    let recheck = () => {};
    const done = tailTarget(t, this.#ctx, controller.signal, (fn) => {
      recheck = fn;
    }).then((r) => {
      this.#running.delete(id);
      if (r === 'failed') this.#failures++;
      this.#next();
      return r;
    });
    this.#running.set(id, { target: t, controller, done, recheck: () => recheck() });
  }

  /**
   * The pod is gone from the API. Its streams normally end on their own right after (the last lines
   * are still printed); one that stays open past the grace period is closed.
   */
  podDeleted(pod: Pod): void {
    for (const r of this.#running.values()) {
      if (r.target.podUid === pod.metadata.uid && r.target.namespace === pod.metadata.namespace) {
        r.recheck();
        setTimeout(() => r.controller.abort('pod deleted'), this.#deleteGraceMs).unref();
      }
    }
  }

  /** Stops the pod's tails now (--condition no longer holds). */
  stopPod(pod: Pod): void {
    for (const r of this.#running.values()) {
      if (r.target.podUid === pod.metadata.uid && r.target.namespace === pod.metadata.namespace) {
        r.controller.abort('condition');
      }
    }
  }

  /** How many tails ended with 'failed'. */
  get failures(): number {
    return this.#failures;
  }

  get size(): number {
    return this.#running.size;
  }

  /** Tails waiting for a free slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** The targets waiting for a free slot, in the order they will start. */
  queued(): Target[] {
    return [...this.#queue];
  }

  /** Resolves when every tail has ended (after the root signal aborted, or on their own). */
  async drain(): Promise<void> {
    while (this.#running.size > 0 || (this.#queue.length > 0 && !this.#signal.aborted)) {
      await Promise.allSettled([...this.#running.values()].map((r) => r.done));
    }
  }
}
