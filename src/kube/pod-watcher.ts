// Pods of one or more namespaces, as a stream of upserts and deletes: per namespace, list, then watch
// from the list's resourceVersion (with bookmarks); re-watch from the last resourceVersion when a watch
// ends; relist and reconcile on 410 Expired; retry other failures with capped exponential backoff and
// full jitter. Namespaces are independent: one failing never stops the others.

import type { Pod, PodList } from '../core/kube-objects.ts';
import { type Backoff, backoffDelay } from '../util/backoff.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { errorMessage } from '../util/errors.ts';
import { type KubeApi, KubeError, type WatchOptions } from './api.ts';
import { statusError } from './status.ts';

export type PodEvent =
  /** Added or modified, or found by a (re)list. */
  | { type: 'upsert'; pod: Pod }
  /** Deleted, or gone after a relist. */
  | { type: 'delete'; pod: Pod }
  /** The initial list of that namespace has been emitted. */
  | { type: 'synced'; namespace: string | undefined }
  /** A namespace whose requests failed got an answer again (a list, or a watch event). */
  | { type: 'recovered'; namespace: string | undefined }
  /** initial: the namespace has never listed successfully. The watcher retries on its own. */
  | { type: 'error'; namespace: string | undefined; error: KubeError; initial: boolean };

export interface PodWatchOptions {
  /** undefined = all namespaces (-A). */
  namespaces: (string | undefined)[];
  labelSelector?: string;
  fieldSelector?: string;
  signal: AbortSignal;
  /** Default 500 ms doubling to 10 s (with jitter, at least Retry-After). */
  backoff?: Backoff;
  random?: () => number;
  clock?: Clock;
  /** Server-side watch timeout. Default: 5 to 10 minutes, random per request (like client-go). */
  watchTimeoutSeconds?: number;
  /** Events buffered before the namespace loops wait for the consumer. Default 256. */
  highWaterMark?: number;
}

interface Ctx {
  api: KubeApi;
  o: PodWatchOptions;
  signal: AbortSignal;
  push: (ev: PodEvent) => Promise<void>;
  random: () => number;
  clock: Clock;
  backoff: Backoff;
}

function sleep(ms: number, ctx: Ctx): Promise<void> {
  return ctx.clock.sleep(ms, ctx.signal);
}

function podKey(p: Pod): string {
  return p.metadata.uid ?? `${p.metadata.namespace ?? ''}/${p.metadata.name}`;
}

function asKubeError(e: unknown): KubeError {
  if (e instanceof KubeError) return e;
  return new KubeError(errorMessage(e), { status: 0, cause: e });
}

function isExpired(status: number | undefined, reason: string | undefined): boolean {
  return status === 410 || reason === 'Expired' || reason === 'Gone';
}

async function watchNamespace(ns: string | undefined, ctx: Ctx): Promise<void> {
  const { api, o, signal, push } = ctx;
  const query = { namespace: ns, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector };
  let known = new Map<string, Pod>();
  let rv: string | undefined;
  let needList = true;
  let listedOnce = false;
  let attempt = 0;
  let lastError: string | undefined;
  let expiredInARow = 0;

  const reportError = async (e: KubeError): Promise<void> => {
    const id = `${e.status} ${e.message}`;
    if (id === lastError) return;
    lastError = id;
    await push({ type: 'error', namespace: ns, error: e, initial: !listedOnce });
  };
  const fail = async (e: unknown): Promise<void> => {
    const err = asKubeError(e);
    await reportError(err);
    await sleep(backoffDelay(attempt++, ctx.backoff, ctx.random, err.retryAfterSeconds), ctx);
  };
  const reconcile = async (list: PodList): Promise<void> => {
    const next = new Map<string, Pod>();
    for (const p of list.items) next.set(podKey(p), p);
    for (const [k, p] of known) {
      if (!next.has(k)) await push({ type: 'delete', pod: p });
    }
    known = next;
    for (const p of list.items) await push({ type: 'upsert', pod: p });
  };

  while (!signal.aborted) {
    if (needList) {
      let list: PodList;
      try {
        list = await api.listPods(query, signal);
      } catch (e) {
        if (signal.aborted) return;
        await fail(e);
        continue;
      }
      if (signal.aborted) return;
      attempt = 0;
      if (lastError !== undefined) await push({ type: 'recovered', namespace: ns });
      lastError = undefined;
      await reconcile(list);
      rv = list.metadata.resourceVersion || undefined;
      needList = false;
      if (!listedOnce) {
        listedOnce = true;
        await push({ type: 'synced', namespace: ns });
      }
    }

    const w: WatchOptions = {
      ...query,
      resourceVersion: rv,
      allowWatchBookmarks: true,
      timeoutSeconds: o.watchTimeoutSeconds ?? Math.round(300 * (1 + ctx.random())),
    };
    const started = ctx.clock.now();
    let events = 0;
    let failure: KubeError | undefined;
    let relist: 'expired' | 'error' | undefined;
    try {
      for await (const ev of api.watchPods(w, signal)) {
        if (ev.type === 'ERROR') {
          const err = statusError(ev.object);
          if (isExpired(err.status, err.reason)) {
            relist = 'expired';
          } else {
            failure = err;
            relist = 'error';
          }
          break;
        }
        if (events++ === 0) {
          attempt = 0;
          if (lastError !== undefined) await push({ type: 'recovered', namespace: ns });
          lastError = undefined;
        }
        expiredInARow = 0;
        if (ev.type === 'BOOKMARK') {
          rv = ev.object.metadata.resourceVersion || rv;
          continue;
        }
        const pod = ev.object;
        rv = pod.metadata.resourceVersion || rv;
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
          known.set(podKey(pod), pod);
          await push({ type: 'upsert', pod });
        } else if (ev.type === 'DELETED') {
          known.delete(podKey(pod));
          await push({ type: 'delete', pod });
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      const err = asKubeError(e);
      if (isExpired(err.status, err.reason)) relist = 'expired';
      else failure = err;
    }
    if (signal.aborted) return;

    if (relist !== undefined) needList = true;
    if (failure !== undefined) {
      await fail(failure);
    } else if (relist === 'expired') {
      // Relist at once; only a server that expires every fresh list gets a pause.
      if (expiredInARow++ > 0) await sleep(backoffDelay(attempt++, ctx.backoff, ctx.random), ctx);
    } else if (events === 0 && ctx.clock.now() - started < 1000) {
      // A watch that ends at once with nothing in it (a proxy cutting streams): do not spin.
      await sleep(backoffDelay(attempt++, ctx.backoff, ctx.random), ctx);
    }
  }
}

/** A queue from the namespace loops to the consumer; producers wait while it is full. */
class EventQueue<T> {
  readonly #items: T[] = [];
  readonly #hwm: number;
  #consumer: (() => void) | undefined;
  #producers: (() => void)[] = [];
  #closed = false;
  #error: unknown;

  constructor(hwm: number) {
    this.#hwm = hwm;
  }

  push(v: T): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#items.push(v);
    this.#wake();
    if (this.#items.length < this.#hwm) return Promise.resolve();
    return new Promise((resolve) => this.#producers.push(resolve));
  }

  /** Drops what the consumer has not taken yet. */
  clear(): void {
    this.#items.length = 0;
    this.#releaseProducers();
  }

  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = error;
    this.#wake();
    this.#releaseProducers();
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.#items.length > 0) {
        const v = this.#items.shift() as T;
        if (this.#items.length < this.#hwm) this.#releaseProducers();
        return { value: v, done: false };
      }
      if (this.#closed) {
        if (this.#error !== undefined) throw this.#error;
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => {
        this.#consumer = resolve;
      });
    }
  }

  #wake(): void {
    const c = this.#consumer;
    this.#consumer = undefined;
    c?.();
  }

  #releaseProducers(): void {
    const ps = this.#producers;
    this.#producers = [];
    for (const p of ps) p();
  }
}

/**
 * Pod events of all `namespaces`, merged as they happen. Ends quietly when `signal` aborts (or the
 * consumer stops iterating); failures are yielded as 'error' events and retried, never thrown.
 */
export async function* watchPods(
  api: KubeApi,
  o: PodWatchOptions,
): AsyncGenerator<PodEvent, void, undefined> {
  if (o.signal.aborted) return;
  const ctl = new AbortController();
  const queue = new EventQueue<PodEvent>(o.highWaterMark ?? 256);
  const onAbort = () => {
    ctl.abort(o.signal.reason);
    queue.clear();
    queue.close();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  const ctx: Ctx = {
    api,
    o,
    signal: ctl.signal,
    push: (ev) => (ctl.signal.aborted ? Promise.resolve() : queue.push(ev)),
    random: o.random ?? Math.random,
    clock: o.clock ?? systemClock,
    backoff: o.backoff ?? { initialMs: 500, maxMs: 10_000 },
  };
  let running = o.namespaces.length;
  if (running === 0) queue.close();
  for (const ns of o.namespaces) {
    watchNamespace(ns, ctx).then(
      () => {
        if (--running === 0) queue.close();
      },
      (e: unknown) => queue.close(e),
    );
  }
  try {
    for (;;) {
      const r = await queue.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    ctl.abort('done');
    queue.close();
  }
}
