// Pods of one or more namespaces, as a stream of upserts and deletes: per namespace, list, then watch
// from the list's resourceVersion (with bookmarks); re-watch from the last resourceVersion when a watch
// ends; relist and reconcile on 410 Expired; retry other failures with capped exponential backoff and
// jitter (util/backoff.ts). Namespaces are independent: one failing never stops the others.

import type { Pod, PodList, WatchEvent } from '../core/kube-objects.ts';
import { type Backoff, backoffDelay } from '../util/backoff.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { errorMessage } from '../util/errors.ts';
import { type KubeApi, KubeError, type PodQuery, type WatchOptions } from './api.ts';
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

/** How one watch request ended. */
interface WatchEnd {
  /** When it was sent (the Clock's time). */
  started: number;
  /** Events it brought, bookmarks included. */
  events: number;
  /** A failure to report and back off from (an ERROR event or a failed request, 410 Expired aside). */
  failure?: KubeError;
  /** Set when the next round lists first: 'expired' after a 410, 'error' after another ERROR event. */
  relist?: 'expired' | 'error';
}

/** What an ERROR event in a watch means: relist at once on 410 Expired, else relist after a backoff. */
function endOfWatchError(ev: Extract<WatchEvent, { type: 'ERROR' }>): Pick<WatchEnd, 'failure' | 'relist'> {
  const err = statusError(ev.object);
  return isExpired(err.status, err.reason) ? { relist: 'expired' } : { failure: err, relist: 'error' };
}

/** One namespace's loop: list when needed, watch from the last resourceVersion, pause, again. */
class NamespaceWatch {
  readonly #ns: string | undefined;
  readonly #ctx: Ctx;
  readonly #query: PodQuery;
  /** The pods the consumer has been told about, by podKey. */
  #known = new Map<string, Pod>();
  #rv: string | undefined;
  #needList = true;
  #listedOnce = false;
  #attempt = 0;
  /** The last error reported ("status message"), so that a repeated one is not reported again. */
  #lastError: string | undefined;
  #expiredInARow = 0;

  constructor(ns: string | undefined, ctx: Ctx) {
    this.#ns = ns;
    this.#ctx = ctx;
    this.#query = { namespace: ns, labelSelector: ctx.o.labelSelector, fieldSelector: ctx.o.fieldSelector };
  }

  async run(): Promise<void> {
    const { signal } = this.#ctx;
    while (!signal.aborted) {
      // A failed list has backed off already; an aborted one ends the loop.
      if (this.#needList && !(await this.#list())) continue;
      const end = await this.#watch();
      if (signal.aborted) return;
      if (end.relist !== undefined) this.#needList = true;
      await this.#pauseAfter(end);
    }
  }

  /** Lists and reconciles; false when the list failed (reported, backed off) or the signal aborted. */
  async #list(): Promise<boolean> {
    const { api, signal, push } = this.#ctx;
    let list: PodList;
    try {
      list = await api.listPods(this.#query, signal);
    } catch (e) {
      if (!signal.aborted) await this.#fail(e);
      return false;
    }
    if (signal.aborted) return false;
    await this.#answered();
    await this.#reconcile(list);
    this.#rv = list.metadata.resourceVersion || undefined;
    this.#needList = false;
    if (!this.#listedOnce) {
      this.#listedOnce = true;
      await push({ type: 'synced', namespace: this.#ns });
    }
    return true;
  }

  /** One watch request from #rv, until it ends, fails, or brings an ERROR event. */
  async #watch(): Promise<WatchEnd> {
    const { api, o, signal } = this.#ctx;
    const w: WatchOptions = {
      ...this.#query,
      resourceVersion: this.#rv,
      allowWatchBookmarks: true,
      timeoutSeconds: o.watchTimeoutSeconds ?? Math.round(300 * (1 + this.#ctx.random())),
    };
    const end: WatchEnd = { started: this.#ctx.clock.now(), events: 0 };
    try {
      for await (const ev of api.watchPods(w, signal)) {
        if (ev.type === 'ERROR') {
          Object.assign(end, endOfWatchError(ev));
          break;
        }
        if (end.events++ === 0) await this.#answered();
        this.#expiredInARow = 0;
        await this.#apply(ev);
      }
    } catch (e) {
      if (signal.aborted) return end;
      const err = asKubeError(e);
      if (isExpired(err.status, err.reason)) end.relist = 'expired';
      else end.failure = err;
    }
    return end;
  }

  /** Passes a watch event on, keeping #known and #rv up to date. */
  async #apply(ev: Exclude<WatchEvent, { type: 'ERROR' }>): Promise<void> {
    if (ev.type === 'BOOKMARK') {
      this.#rv = ev.object.metadata.resourceVersion || this.#rv;
      return;
    }
    const pod = ev.object;
    this.#rv = pod.metadata.resourceVersion || this.#rv;
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
      this.#known.set(podKey(pod), pod);
      await this.#ctx.push({ type: 'upsert', pod });
    } else if (ev.type === 'DELETED') {
      this.#known.delete(podKey(pod));
      await this.#ctx.push({ type: 'delete', pod });
    }
  }

  /** The waits between watches: a backoff after a failure, none or a short one otherwise. */
  async #pauseAfter(end: WatchEnd): Promise<void> {
    const { backoff, random, clock } = this.#ctx;
    if (end.failure !== undefined) {
      await this.#fail(end.failure);
    } else if (end.relist === 'expired') {
      // Relist at once; only a server that expires every fresh list gets a pause.
      if (this.#expiredInARow++ > 0) await sleep(backoffDelay(this.#attempt++, backoff, random), this.#ctx);
    } else if (end.events === 0 && clock.now() - end.started < 1000) {
      // A watch that ends at once with nothing in it (a proxy cutting streams): do not spin.
      await sleep(backoffDelay(this.#attempt++, backoff, random), this.#ctx);
    }
  }

  /** The server answered (a list, or a first watch event): the backoff starts over. */
  async #answered(): Promise<void> {
    this.#attempt = 0;
    if (this.#lastError !== undefined) await this.#ctx.push({ type: 'recovered', namespace: this.#ns });
    this.#lastError = undefined;
  }

  /** Reports the failure (unless it is the one reported last) and waits for the next attempt. */
  async #fail(e: unknown): Promise<void> {
    const err = asKubeError(e);
    await this.#reportError(err);
    await sleep(
      backoffDelay(this.#attempt++, this.#ctx.backoff, this.#ctx.random, err.retryAfterSeconds),
      this.#ctx,
    );
  }

  async #reportError(e: KubeError): Promise<void> {
    const id = `${e.status} ${e.message}`;
    if (id === this.#lastError) return;
    this.#lastError = id;
    await this.#ctx.push({ type: 'error', namespace: this.#ns, error: e, initial: !this.#listedOnce });
  }

  /** Deletes the known pods the list lacks, then upserts every listed one. */
  async #reconcile(list: PodList): Promise<void> {
    const next = new Map<string, Pod>();
    for (const p of list.items) next.set(podKey(p), p);
    for (const [k, p] of this.#known) {
      if (!next.has(k)) await this.#ctx.push({ type: 'delete', pod: p });
    }
    this.#known = next;
    for (const p of list.items) await this.#ctx.push({ type: 'upsert', pod: p });
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
    new NamespaceWatch(ns, ctx).run().then(
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
