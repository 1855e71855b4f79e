// Wires the pipeline for one Config: kubeconfig → API → pod watcher → targets → tails → writer.
import type { Config } from './config/config.ts';
import { resolveKubeconfig } from './config/kubeconfig.ts';
import { type Deps, SIGNAL_EXIT } from './deps.ts';
import type { KubeApi, KubeError } from './kube/api.ts';
import { watchPods } from './kube/pod-watcher.ts';
import { createKubeApi } from './kube/transport.ts';
import { useColor } from './output/colors.ts';
import { defaultFormatter } from './output/format.ts';
import { Writer } from './output/writer.ts';
import { TailManager } from './tail/manager.ts';
import { TargetSet } from './targets/select.ts';

/** Errors that make a run pointless: the server cannot be reached or rejects who we are. */
function isFatalAtStart(e: KubeError): boolean {
  return e.status === 0 || e.status === 401;
}

function describe(e: KubeError, api: KubeApi, context: string): string {
  if (e.status === 401)
    return `the server ${api.server} rejected the credentials of context "${context}": ${e.message}`;
  return e.message;
}

export async function run(cfg: Config, deps: Deps): Promise<number> {
  const kube = await resolveKubeconfig({
    kubeconfigFlag: cfg.kubeconfig,
    contextFlag: cfg.context,
    env: deps.env,
    homeDir: deps.homeDir,
  });
  const namespaces: (string | undefined)[] = cfg.allNamespaces
    ? [undefined]
    : cfg.namespaces.length > 0
      ? [...cfg.namespaces]
      : [kube.namespace];

  const root = new AbortController();
  const onSignal = () => root.abort(deps.signal.reason);
  if (deps.signal.aborted) onSignal();
  deps.signal.addEventListener('abort', onSignal, { once: true });

  const writer = new Writer({ out: deps.stdout, err: deps.stderr, onOutClosed: () => root.abort('EPIPE') });
  const report = (line: string) => void writer.err(`${line}\n`);
  const api = await (deps.createApi ?? createKubeApi)(kube, { verbosity: cfg.verbosity, log: report });
  const formatter = defaultFormatter({
    color: useColor(cfg.color, deps.stdout.isTTY === true, deps.env),
    showNamespace: cfg.allNamespaces || namespaces.length > 1,
  });
  const targets = new TargetSet(cfg.podFilter, cfg.containerFilter);
  const tails = new TailManager(
    {
      api,
      writer,
      formatter,
      targets,
      onlyLogLines: cfg.onlyLogLines,
      follow: true,
      sinceSeconds: undefined,
      tailLines: undefined,
      backoff: { initialMs: 250, maxMs: 30_000 },
      random: Math.random,
      report,
    },
    root.signal,
  );

  let fatal: string | undefined;
  const failedAtStart = new Set<string | undefined>();
  const reported = new Map<string | undefined, string>();
  try {
    for await (const ev of watchPods(api, {
      namespaces,
      labelSelector: cfg.labelSelector,
      fieldSelector: cfg.fieldSelector,
      signal: root.signal,
    })) {
      if (ev.type === 'upsert') {
        for (const t of targets.visit(ev.pod)) tails.start(t);
      } else if (ev.type === 'delete') {
        targets.forget(ev.pod);
        tails.podDeleted(ev.pod);
      } else if (ev.type === 'synced') {
        reported.delete(ev.namespace);
      } else if (ev.type === 'error') {
        if (ev.initial) failedAtStart.add(ev.namespace);
        if (ev.initial && (isFatalAtStart(ev.error) || failedAtStart.size === namespaces.length)) {
          fatal = describe(ev.error, api, kube.contextName);
          break;
        }
        const msg = describe(ev.error, api, kube.contextName);
        if (reported.get(ev.namespace) !== msg) {
          const where = ev.namespace === undefined ? 'all namespaces' : `namespace ${ev.namespace}`;
          report(`failed to watch pods in ${where}: ${msg}, will retry`);
          reported.set(ev.namespace, msg);
        }
      }
    }
  } finally {
    root.abort(root.signal.reason ?? 'done');
    await tails.drain();
    api.close();
    deps.signal.removeEventListener('abort', onSignal);
  }
  if (fatal !== undefined) await writer.err(`Error: ${fatal}\n`);
  await writer.flush();
  if (fatal !== undefined) return 1;
  if (deps.signal.aborted) return SIGNAL_EXIT[String(deps.signal.reason)] ?? 1;
  return 0;
}
