// --events (issue 9 §2): the Kubernetes events of the tailed pods, printed on stdout as their own lines.
// Events are listed per namespace (field selector involvedObject.kind=Pod, and type=Warning unless
// --events=all) now and every few seconds; each occurrence of an event about a matched pod is printed
// once (a repeated event, count+1, is printed again). Pure parts are table-tested in test/unit/events.test.ts.
import type { EventLine } from './core/model.ts';
import type { KubeApi } from './kube/api.ts';
import { errorMessage } from './util/errors.ts';
import type { Report } from './util/messages.ts';

export type EventsWanted = 'warning' | 'all';

/** A core/v1 Event, as far as kstern reads it. */
export interface KubeEvent {
  metadata?: { uid?: string; namespace?: string; name?: string };
  involvedObject?: { kind?: string; name?: string; uid?: string; namespace?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
}

/** What an event line shows. */
export type EventView = EventLine;

/** One occurrence of an event: its uid and count, so that a repeat is told again. */
export function occurrence(e: KubeEvent): string {
  return `${e.metadata?.uid ?? e.metadata?.name ?? ''}/${e.series?.count ?? e.count ?? 1}`;
}

export function eventView(e: KubeEvent): EventView {
  return {
    namespace: e.involvedObject?.namespace ?? e.metadata?.namespace ?? '',
    pod: e.involvedObject?.name ?? '',
    type: e.type || 'Normal',
    reason: e.reason ?? '',
    message: (e.message ?? '').replace(/\s*[\r\n]+\s*/g, ' ').trim(),
    count: e.series?.count ?? e.count ?? 1,
    time: e.series?.lastObservedTime || e.lastTimestamp || e.eventTime || e.firstTimestamp || '',
  };
}

/** The list request for one namespace (undefined: all namespaces). */
export function eventsPath(namespace: string | undefined, wanted: EventsWanted): string {
  const fields = ['involvedObject.kind=Pod', ...(wanted === 'warning' ? ['type=Warning'] : [])].join(',');
  const base =
    namespace === undefined ? '/api/v1/events' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
  return `${base}?fieldSelector=${encodeURIComponent(fields)}`;
}

export interface EventWatchOptions {
  api: KubeApi;
  signal: AbortSignal;
  namespaces: readonly (string | undefined)[];
  wanted: EventsWanted;
  /** Whether the pod (by uid) is one of the run's matched pods. */
  isTailed: (podUid: string) => boolean;
  print: (v: EventView) => Promise<void>;
  /** A listing failed: a warning, said once per message. */
  report: Report;
}

export class EventWatch {
  readonly #o: EventWatchOptions;
  readonly #told = new Set<string>();
  readonly #failures = new Set<string>();

  constructor(o: EventWatchOptions) {
    this.#o = o;
  }

  /** Lists the events once and prints the new occurrences about tailed pods, oldest first. */
  async poll(): Promise<void> {
    const { api, signal, wanted } = this.#o;
    for (const ns of this.#o.namespaces) {
      let items: KubeEvent[];
      try {
        items = (await api.getJSON<{ items?: KubeEvent[] }>(eventsPath(ns, wanted), signal)).items ?? [];
      } catch (e) {
        if (signal.aborted) return;
        const msg = `cannot list the events of ${ns === undefined ? 'all namespaces' : `namespace ${ns}`}: ${errorMessage(e)}`;
        if (!this.#failures.has(msg)) this.#o.report(msg, 'warning');
        this.#failures.add(msg);
        continue;
      }
      const fresh = items
        .filter((e) => (wanted === 'all' || e.type === 'Warning') && e.involvedObject?.kind === 'Pod')
        .filter((e) => this.#o.isTailed(e.involvedObject?.uid ?? '') && !this.#told.has(occurrence(e)))
        .map((e) => ({ key: occurrence(e), view: eventView(e) }))
        .sort((a, b) => (a.view.time < b.view.time ? -1 : a.view.time > b.view.time ? 1 : 0));
      for (const { key, view } of fresh) {
        this.#told.add(key);
        await this.#o.print(view);
      }
    }
  }

  /** Polls every `ms` until the signal aborts. */
  async run(ms: number, sleep: (ms: number, signal: AbortSignal) => Promise<void>): Promise<void> {
    while (!this.#o.signal.aborted) {
      await this.poll();
      await sleep(ms, this.#o.signal);
    }
  }
}
