// Where a cluster run's pods come from: one list per namespace (--no-follow), or a list and a watch of
// every namespace until the run stops (follow). Also the error texts both use, and the namespaces check
// of the "nothing matched" line.
import ms from 'ms';
import type { Config } from './config/config.ts';
import type { Pod } from './core/kube-objects.ts';
import { isConnectionLoss, type KubeApi, KubeError } from './kube/api.ts';
import { watchPods } from './kube/pod-watcher.ts';
import type { SelectorGroup } from './kube/workloads.ts';
import { mergeAsync } from './util/merge.ts';
import type { Report } from './util/messages.ts';

/** Errors that make a run pointless: the server cannot be reached or rejects who we are. */
export function isFatalAtStart(e: KubeError): boolean {
  return e.status === 0 || e.status === 401;
}

/** The text of an API error for the user, naming the server, context or selectors it is about. */
export function describe(
  e: KubeError,
  api: KubeApi,
  context: string,
  cfg?: Pick<Config, 'labelSelector' | 'fieldSelector'>,
): string {
  if (e.status === 401)
    return `the server ${api.server} rejected the credentials of context "${context}": ${e.message}`;
  // A pod list or watch is only ever a bad request because of its selectors.
  if (e.status === 400 && cfg && (cfg.labelSelector || cfg.fieldSelector)) {
    const given = [
      cfg.labelSelector ? `-l "${cfg.labelSelector}"` : '',
      cfg.fieldSelector ? `--field-selector "${cfg.fieldSelector}"` : '',
    ];
    return `invalid selector ${given.filter(Boolean).join(' ')}: ${e.message}`;
  }
  return e.message;
}

/** The named namespaces that do not exist (a GET answers 404); none when -A or when the check fails. */
export async function missingNamespaces(
  api: KubeApi,
  namespaces: readonly (string | undefined)[],
  signal: AbortSignal,
): Promise<string[]> {
  const missing: string[] = [];
  for (const ns of namespaces) {
    if (ns === undefined) continue;
    try {
      await api.getJSON(`/api/v1/namespaces/${encodeURIComponent(ns)}`, signal);
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) missing.push(ns);
    }
  }
  return missing;
}

/** What both sources need: the API, the query's selectors, the run's signal, a reporter, the context. */
export interface SourceOptions {
  api: KubeApi;
  cfg: Pick<Config, 'labelSelector' | 'fieldSelector'>;
  groups: readonly SelectorGroup[];
  signal: AbortSignal;
  report: Report;
  context: string;
}

/**
 * --no-follow: one list per namespace. A failure in one of several is reported and skipped (`failed`);
 * with one namespace, or when the server is unreachable or rejects the credentials, it is thrown.
 */
export async function listPods(o: SourceOptions): Promise<{ pods: Pod[]; failed: boolean }> {
  const { api, cfg, groups, signal } = o;
  let failed = false;
  const pods: Pod[] = [];
  for (const g of groups) {
    for (const namespace of g.namespaces) {
      try {
        const list = await api.listPods(
          {
            ...(namespace === undefined ? {} : { namespace }),
            ...(g.labelSelector ? { labelSelector: g.labelSelector } : {}),
            ...(cfg.fieldSelector ? { fieldSelector: cfg.fieldSelector } : {}),
          },
          signal,
        );
        pods.push(...list.items);
      } catch (e) {
        if (!(e instanceof KubeError) || signal.aborted) throw e;
        if (isFatalAtStart(e) || (groups.length === 1 && g.namespaces.length === 1)) throw e;
        const where = namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
        o.report(`failed to list pods in ${where}: ${describe(e, api, o.context, cfg)}`, 'error');
        failed = true;
      }
    }
  }
  return { pods, failed };
}

/** What the follow loop tells the run, in the order the watch saw it. */
export interface PodEvents {
  upsert(pod: Pod): void;
  delete(pod: Pod): void;
  /** A namespace's first list is in (all its pods have been upserted). */
  synced(namespace: string | undefined): void;
  /** After every event: a moment to look at the run as a whole (--until). */
  after(): void;
}

/**
 * Follow mode: list and watch every namespace until the signal. Returns a fatal message when the watch
 * cannot start at all (unreachable server, rejected credentials, every namespace failing); later failures
 * are reported and retried by the watcher. An outage is said once for the server, and once when it is over.
 */
export async function followPods(o: SourceOptions, on: PodEvents): Promise<string | undefined> {
  const { api, cfg, groups, report } = o;
  const total = groups.reduce((n, g) => n + g.namespaces.length, 0);
  const failedAtStart = new Set<string | undefined>();
  /** While the connection is lost: when it was (one calm line then, one when it is back). */
  let lostSince: number | undefined;
  const reported = new Map<string | undefined, string>();
  const streams = groups.map((g) =>
    watchPods(api, {
      namespaces: g.namespaces,
      labelSelector: g.labelSelector || undefined,
      fieldSelector: cfg.fieldSelector,
      signal: o.signal,
    }),
  );
  for await (const ev of mergeAsync(streams)) {
    if (ev.type === 'upsert') on.upsert(ev.pod);
    else if (ev.type === 'delete') on.delete(ev.pod);
    else if (ev.type === 'synced') {
      reported.delete(ev.namespace);
      on.synced(ev.namespace);
    } else if (ev.type === 'recovered') {
      if (lostSince !== undefined) {
        report(`reconnected to ${api.server} after ${ms(Math.round(performance.now() - lostSince))}`);
        lostSince = undefined;
      }
    } else if (ev.type === 'error') {
      if (ev.initial) failedAtStart.add(ev.namespace);
      const msg = describe(ev.error, api, o.context, cfg);
      if (ev.initial && (isFatalAtStart(ev.error) || failedAtStart.size === total)) return msg;
      if (!ev.initial && isConnectionLoss(ev.error)) {
        // An outage: said once for the server, not once per namespace and error text.
        if (lostSince === undefined) {
          lostSince = performance.now();
          report(`lost the connection to ${api.server} (${ev.error.code}); retrying…`);
        }
      } else if (reported.get(ev.namespace) !== msg) {
        const where = ev.namespace === undefined ? 'all namespaces' : `namespace ${ev.namespace}`;
        report(`failed to watch pods in ${where}: ${msg}, will retry`, 'warning');
        reported.set(ev.namespace, msg);
      }
    }
    on.after();
  }
  return undefined;
}
