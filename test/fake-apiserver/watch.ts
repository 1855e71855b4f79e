// One watch stream: initial/replayed events, live events filtered by selectors (with the cacher's
// ADDED/DELETED translation when an object enters or leaves the selection), bookmarks, timeout, 410.
import type { Exchange } from './http.ts';
import { expired, type Status } from './status.ts';
import type { PodStore, StoredEvent } from './store.ts';
import type { Pod, WatchEventType } from './types.ts';

export interface WatchParams {
  matches: (p: Pod) => boolean;
  resourceVersion: string | undefined;
  sendInitialEvents: boolean;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds: number | undefined;
  /** Wraps an object for the wire (a Table row for kubectl, the object otherwise). */
  encode: (p: Pod, first: boolean) => unknown;
}

export class WatchStream {
  readonly #timers: NodeJS.Timeout[] = [];
  #ended = false;
  #first = true;
  /** The resourceVersion of the last event this client has seen. */
  #lastRv: number;

  constructor(
    readonly ex: Exchange,
    readonly store: PodStore,
    readonly p: WatchParams,
    readonly onEnd: () => void,
  ) {
    this.#lastRv = store.rv;
  }

  start(): void {
    const { store, p } = this;
    this.ex.writeHead(200, { 'content-type': 'application/json' });
    this.ex.onClose(() => this.#cleanup());
    const rv = p.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0' || p.sendInitialEvents) {
      for (const pod of store.list()) if (p.matches(pod)) this.#send('ADDED', pod);
      if (p.sendInitialEvents && p.bookmarks) this.#bookmark(true);
      this.#lastRv = store.rv;
    } else {
      const since = Number(rv);
      const events = Number.isFinite(since) ? store.eventsSince(since) : [];
      if (events === undefined) {
        this.expire(expired(rv, store.compactedRv));
        return;
      }
      for (const ev of events) this.deliver(ev);
      this.#lastRv = Math.max(since, store.rv);
    }
    store.sinks.add(this);
    if (p.bookmarks) this.#timers.push(setInterval(() => this.#bookmark(false), p.bookmarkIntervalMs));
    if (p.timeoutSeconds !== undefined)
      this.#timers.push(setTimeout(() => this.end(), p.timeoutSeconds * 1000));
  }

  deliver(ev: StoredEvent): void {
    this.#lastRv = ev.rv;
    const cur = ev.type !== 'DELETED' && this.p.matches(ev.obj);
    const old = ev.prev !== undefined && this.p.matches(ev.prev);
    if (ev.type === 'ADDED') {
      if (cur) this.#send('ADDED', ev.obj);
    } else if (cur && old) {
      this.#send('MODIFIED', ev.obj);
    } else if (cur) {
      this.#send('ADDED', ev.obj);
    } else if (old) {
      // like the cacher: the previous state of the object, with the event's resourceVersion
      const obj = structuredClone(ev.prev!);
      obj.metadata.resourceVersion = String(ev.rv);
      this.#send('DELETED', obj);
    }
  }

  #send(type: WatchEventType, obj: unknown): void {
    const object = type === 'BOOKMARK' || type === 'ERROR' ? obj : this.p.encode(obj as Pod, this.#first);
    if (type !== 'BOOKMARK' && type !== 'ERROR') this.#first = false;
    this.ex.write(`${JSON.stringify({ type, object })}\n`);
  }

  #bookmark(initialEventsEnd: boolean): void {
    const metadata: Record<string, unknown> = { resourceVersion: String(this.store.rv) };
    if (initialEventsEnd) metadata['annotations'] = { 'k8s.io/initial-events-end': 'true' };
    this.#send('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata });
  }

  get lastRv(): number {
    return this.#lastRv;
  }

  /** An in-stream ERROR event (410 Expired), then a clean end. */
  expire(s: Status): void {
    this.#send('ERROR', s);
    this.end();
  }

  end(): void {
    this.#cleanup();
    this.ex.end();
  }

  /** RST_STREAM (h2) / destroyed socket (h1). */
  reset(): void {
    this.#cleanup();
    this.ex.reset();
  }

  #cleanup(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const t of this.#timers) clearTimeout(t);
    this.store.sinks.delete(this);
    this.onEnd();
  }
}
