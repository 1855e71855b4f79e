// The pod store: objects, the global resourceVersion counter, the event history watches replay from,
// compaction, and the live watch subscribers.
import { refreshPodStatus } from './pods.ts';
import type { Pod } from './types.ts';

export interface StoredEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  obj: Pod;
  /** The object before the change (MODIFIED, DELETED). */
  prev?: Pod;
}

export interface EventSink {
  deliver(ev: StoredEvent): void;
}

const key = (ns: string, name: string): string => `${ns}/${name}`;

export class PodStore {
  #rv = 100;
  #pods = new Map<string, Pod>();
  #history: StoredEvent[] = [];
  /** Watches from a resourceVersion below this get 410 Expired. */
  compactedRv = 0;
  readonly sinks = new Set<EventSink>();
  readonly namespaces = new Set(['default', 'kube-system']);

  get rv(): number {
    return this.#rv;
  }

  nextRv(): number {
    return ++this.#rv;
  }

  get(ns: string, name: string): Pod | undefined {
    return this.#pods.get(key(ns, name));
  }

  /** Current pods, ordered by namespace then name (like etcd keys). */
  list(): Pod[] {
    return [...this.#pods.values()].sort((a, b) =>
      key(a.metadata.namespace!, a.metadata.name) < key(b.metadata.namespace!, b.metadata.name) ? -1 : 1,
    );
  }

  #emit(ev: StoredEvent): void {
    this.#history.push(ev);
    for (const s of [...this.sinks]) s.deliver(ev);
  }

  add(pod: Pod): Pod {
    const ns = pod.metadata.namespace!;
    if (this.#pods.has(key(ns, pod.metadata.name))) {
      throw new Error(`fake-apiserver: pod ${ns}/${pod.metadata.name} already exists`);
    }
    const rv = this.nextRv();
    const obj = structuredClone(pod);
    obj.metadata.resourceVersion = String(rv);
    this.#pods.set(key(ns, obj.metadata.name), obj);
    this.namespaces.add(ns);
    this.#emit({ rv, type: 'ADDED', obj });
    return obj;
  }

  /** Applies `fn` to a copy of the pod, recomputes its status and stores it with a new resourceVersion. */
  update(ns: string, name: string, fn: (p: Pod) => void, phase?: string): Pod {
    const prev = this.#pods.get(key(ns, name));
    if (!prev) throw new Error(`fake-apiserver: pod ${ns}/${name} not found`);
    const obj = structuredClone(prev);
    fn(obj);
    refreshPodStatus(obj, phase);
    const rv = this.nextRv();
    obj.metadata.resourceVersion = String(rv);
    this.#pods.set(key(ns, name), obj);
    this.#emit({ rv, type: 'MODIFIED', obj, prev });
    return obj;
  }

  remove(ns: string, name: string): Pod | undefined {
    const prev = this.#pods.get(key(ns, name));
    if (!prev) return undefined;
    this.#pods.delete(key(ns, name));
    const rv = this.nextRv();
    const obj = structuredClone(prev);
    obj.metadata.resourceVersion = String(rv);
    this.#emit({ rv, type: 'DELETED', obj, prev });
    return obj;
  }

  /** Events after `rv`, or undefined when that part of the history was compacted away. */
  eventsSince(rv: number): StoredEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    // history is sorted by rv: binary search for the first event after rv
    let lo = 0;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.#history.slice(lo);
  }

  /** Forgets the history: the current resourceVersion becomes the oldest one a watch may start from. */
  compact(): void {
    this.compactedRv = this.#rv;
    this.#history = [];
  }
}
