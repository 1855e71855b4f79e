// Resource queries: turn `<kind>/<name>` into the label selector of its pods, per namespace.
import { apiPathFor, type Kind, listPathFor, selectorFromWorkload } from '../config/kind.ts';
import { UserError } from '../util/errors.ts';
import type { Report } from '../util/messages.ts';
import { type KubeApi, KubeError } from './api.ts';

export interface SelectorGroup {
  /** undefined stands for every namespace (-A). */
  namespaces: (string | undefined)[];
  labelSelector: string;
}

interface Named {
  metadata?: { name?: string; namespace?: string };
}

/**
 * Looks the workload up in each namespace (with -A: everywhere, by listing the kind) and returns the
 * namespaces grouped by selector. A namespace where it is missing or forbidden is reported and skipped;
 * if it is found nowhere, that is an error.
 */
export async function resolveWorkload(
  api: KubeApi,
  resource: { kind: Exclude<Kind, 'pod'>; name: string },
  namespaces: (string | undefined)[],
  signal: AbortSignal,
  report: Report,
): Promise<SelectorGroup[]> {
  const { kind, name } = resource;
  const found: { namespace: string; selector: string }[] = [];
  let lastError: KubeError | undefined;
  if (namespaces.includes(undefined)) {
    const list = await api.getJSON<{ items?: Named[] }>(
      `${listPathFor(kind)}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`,
      signal,
    );
    for (const obj of list.items ?? []) {
      if (obj.metadata?.name !== name) continue;
      found.push({ namespace: obj.metadata.namespace ?? '', selector: selectorFromWorkload(kind, obj) });
    }
    if (found.length === 0) throw new UserError(`${kind}/${name} not found in any namespace`, 1);
  } else {
    for (const ns of namespaces as string[]) {
      try {
        const obj = await api.getJSON<Named>(apiPathFor(kind, ns, name), signal);
        found.push({ namespace: ns, selector: selectorFromWorkload(kind, obj) });
      } catch (e) {
        if (!(e instanceof KubeError) || e.status === 0 || e.status === 401) throw e;
        lastError = e;
        if (namespaces.length > 1) report(`namespace ${ns} skipped: ${e.message}`, 'warning');
      }
    }
    if (found.length === 0 && lastError) throw lastError;
  }
  const groups = new Map<string, string[]>();
  for (const f of found) groups.set(f.selector, [...(groups.get(f.selector) ?? []), f.namespace]);
  return [...groups].map(([labelSelector, ns]) => ({ namespaces: ns, labelSelector }));
}
