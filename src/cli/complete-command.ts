// The hidden `kstern __complete <words…>` command: prints the candidates of complete.ts one per line,
// listing namespaces, nodes and objects from the cluster the words point at (--kubeconfig, --context
// and the kubectl connection flags among them). Completion must never get in the way: any error
// means no candidates, and the exit code is always 0.
import { apiPathFor, type Kind } from '../config/kind.ts';
import { listContexts, type ResolvedKube, resolveKubeconfig } from '../config/kubeconfig.ts';
import type { Deps } from '../deps.ts';
import type { KubeApi } from '../kube/api.ts';
import { createKubeApi } from '../kube/transport.ts';
import { complete, type Lister, type Scanned, scan } from './complete.ts';

/** Each request, and the whole completion, give up after these. */
const REQUEST_TIMEOUT_MS = 5_000;
const TOTAL_TIMEOUT_MS = 10_000;

interface NameList {
  items?: { metadata?: { name?: string } }[];
}

/** A Lister over the cluster of the scanned words; connects on first use. */
export function kubeLister(
  s: Scanned,
  deps: Pick<Deps, 'env' | 'homeDir' | 'createApi'>,
  signal: AbortSignal,
): Lister & { close(): void } {
  const input = {
    env: deps.env,
    homeDir: deps.homeDir,
    ...(s.kubeconfig === undefined ? {} : { kubeconfigFlag: s.kubeconfig }),
    ...(s.context === undefined ? {} : { contextFlag: s.context }),
  };
  let conn: Promise<{ kube: ResolvedKube; api: KubeApi }> | undefined;
  const connect = () =>
    (conn ??= (async () => {
      const kube = await resolveKubeconfig({
        ...input,
        overrides: { requestTimeoutMs: REQUEST_TIMEOUT_MS, ...s.kube },
      });
      const api = await (deps.createApi ?? createKubeApi)(kube, { verbosity: 0 });
      return { kube, api };
    })());
  const namesAt = async (path: string): Promise<string[]> => {
    const { api } = await connect();
    const list = await api.getJSON<NameList>(path, signal);
    return (list.items ?? []).flatMap((i) => (i.metadata?.name ? [i.metadata.name] : [])).sort();
  };
  return {
    contexts: () => listContexts(input),
    namespaces: () => namesAt('/api/v1/namespaces'),
    nodes: () => namesAt('/api/v1/nodes'),
    async names(kind: Kind, namespace: string | undefined | null) {
      if (namespace === null) return kind === 'pod' ? namesAt('/api/v1/pods') : [];
      const ns = namespace ?? (await connect()).kube.namespace;
      // The object path with an empty name ends with the collection's path and a '/'.
      return namesAt(apiPathFor(kind, ns, '').replace(/\/$/, ''));
    },
    close() {
      void conn?.then(
        (c) => c.api.close(),
        () => {},
      );
    },
  };
}

/** `kstern __complete <words…>` → candidates on stdout, one per line; always exit code 0. */
export async function completeCommand(words: readonly string[], deps: Deps): Promise<number> {
  const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(TOTAL_TIMEOUT_MS)]);
  const lister = kubeLister(scan(words.slice(0, -1)), deps, signal);
  let out: string[] = [];
  try {
    out = await complete(words.length === 0 ? [''] : words, lister);
  } catch {
    out = []; // no cluster, no kubeconfig, a timeout: no candidates
  } finally {
    lister.close();
  }
  if (out.length > 0) deps.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
