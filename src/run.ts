// Wires the pipeline for one Config: kubeconfig → API → pod watcher → targets → tails → writer.
import { readFile } from 'node:fs/promises';
import { promptForInstance } from './cli/prompt.ts';
import type { Config } from './config/config.ts';
import { sinceSecondsFor } from './config/duration.ts';
import { resolveKubeconfig } from './config/kubeconfig.ts';
import { localZoneFrom } from './config/local-zone.ts';
import type { Pod } from './core/kube-objects.ts';
import { type Deps, SIGNAL_EXIT } from './deps.ts';
import { type KubeApi, KubeError } from './kube/api.ts';
import { watchPods } from './kube/pod-watcher.ts';
import { createKubeApi } from './kube/transport.ts';
import { resolveWorkload, type SelectorGroup } from './kube/workloads.ts';
import { buildPalette, paletteSgr, useColor } from './output/colors.ts';
import { defaultFormatter, type Formatter } from './output/format.ts';
import { type GuardedFormatter, guardFormatter } from './output/guard.ts';
import { makeFormatter } from './output/make-formatter.ts';
import { sanitizerFor, sanitizeText, textSanitizerFor } from './output/sanitize.ts';
import { formatSink } from './output/sink.ts';
import { TemplateError } from './output/template/index.ts';
import { Writer } from './output/writer.ts';
import { runStdin } from './stdin.ts';
import { TailManager } from './tail/manager.ts';
import { StallMonitor, TokenBucket } from './tail/stall.ts';
import { conditionMatches } from './targets/condition.ts';
import { TargetSet } from './targets/select.ts';
import { UserError } from './util/errors.ts';
import { mergeAsync } from './util/merge.ts';

/** Errors that make a run pointless: the server cannot be reached or rejects who we are. */
function isFatalAtStart(e: KubeError): boolean {
  return e.status === 0 || e.status === 401;
}

function describe(
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

async function templateText(cfg: Config): Promise<string | undefined> {
  if (cfg.template === undefined) return undefined;
  if ('text' in cfg.template) return cfg.template.text;
  try {
    return await readFile(cfg.template.file, 'utf8');
  } catch (e) {
    const why = (e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UserError(`cannot read template file "${cfg.template.file}": ${why}`, 2);
  }
}

/** Builds the formatter up front, so a bad template is a usage error before anything connects. */
async function formatterFor(
  cfg: Config,
  deps: Deps,
  color: boolean,
  report: (l: string) => void,
): Promise<GuardedFormatter> {
  const template = await templateText(cfg);
  const showNamespace = cfg.allNamespaces || cfg.namespaces.length > 1;
  const sanitize = deps.stdout.isTTY === true || cfg.sanitize;
  let f: Formatter;
  try {
    f = makeFormatter({
      cfg,
      template,
      color,
      showNamespace,
      localZone: () => localZoneFrom(deps.env),
      stdin: cfg.stdin,
      report,
      sanitize,
    });
  } catch (e) {
    if (e instanceof TemplateError) throw new UserError(`unable to parse template: ${e.message}`, 2);
    throw e;
  }
  const what = template !== undefined ? 'the template' : `--output ${cfg.output}`;
  const fallback = defaultFormatter({
    color,
    showNamespace,
    ...(sanitize ? { safeName: (name: string) => sanitizeText(name, false) } : {}),
  });
  return guardFormatter(f, fallback, report, what);
}

export async function run(cfg: Config, deps: Deps): Promise<number> {
  const root = new AbortController();
  const onSignal = () => root.abort(deps.signal.reason);
  if (deps.signal.aborted) onSignal();
  deps.signal.addEventListener('abort', onSignal, { once: true });
  try {
    const color = useColor(cfg.color, deps.stdout.isTTY === true, deps.env);
    // Diagnostics quote the cluster (Status messages, names): sanitised when stderr itself is a terminal.
    const errFilter = textSanitizerFor({
      isTTY: deps.stderr.isTTY === true,
      sanitizeFlag: cfg.sanitize,
      color,
      ownSgr: paletteSgr(buildPalette(cfg.podColors, cfg.containerColors)),
    });
    // stdout closed or broken: nothing more can be printed, so the run stops (quietly for EPIPE).
    const writer = new Writer({
      out: deps.stdout,
      err: deps.stderr,
      onOutClosed: () => root.abort('stdout closed'),
      ...(errFilter ? { errFilter } : {}),
    });
    const report = (line: string) => void writer.err(`${line}\n`);
    const formatter = await formatterFor(cfg, deps, color, report);
    const sanitize = sanitizerFor({
      stdoutIsTTY: deps.stdout.isTTY === true,
      sanitizeFlag: cfg.sanitize,
      color,
    });
    let code: number;
    if (cfg.stdin) {
      code = await runStdin({
        input: deps.stdin,
        sink: formatSink(formatter, writer),
        sanitize,
        signal: root.signal,
        maxLineBytes: cfg.maxLineBytes,
      });
    } else {
      code = await runCluster(cfg, deps, { root, writer, report, formatter, sanitize });
    }
    // A line the chosen output could not format was printed in the default format: not a clean run.
    if (formatter.failures > 0 && code === 0) code = 1;
    await writer.flush();
    const broken = writer.outFailure;
    if (broken !== undefined) {
      // A full disk or an I/O error lost output: never a quiet success.
      await writer.err(`Error: cannot write to standard output: ${broken.message}\n`);
      await writer.flush();
      return 1;
    }
    if (deps.signal.aborted) return SIGNAL_EXIT[String(deps.signal.reason)] ?? 1;
    return code;
  } finally {
    deps.signal.removeEventListener('abort', onSignal);
  }
}

interface RunParts {
  root: AbortController;
  writer: Writer;
  report: (line: string) => void;
  formatter: Formatter;
  sanitize: ((line: Buffer) => Buffer) | undefined;
}

async function runCluster(cfg: Config, deps: Deps, p: RunParts): Promise<number> {
  const { root, writer, report, formatter } = p;
  const kube = await resolveKubeconfig({
    kubeconfigFlag: cfg.kubeconfig,
    contextFlag: cfg.context,
    env: deps.env,
    homeDir: deps.homeDir,
    overrides: cfg.kube,
  });
  const namespaces: (string | undefined)[] = cfg.allNamespaces
    ? [undefined]
    : cfg.namespaces.length > 0
      ? [...cfg.namespaces]
      : [kube.namespace];
  const api = await (deps.createApi ?? createKubeApi)(kube, { verbosity: cfg.verbosity, log: report });
  const targets = new TargetSet(cfg.podFilter, cfg.containerFilter);
  let queueNoted = false;
  const tails = new TailManager(
    {
      api,
      sink: formatSink(formatter, writer),
      targets,
      onlyLogLines: cfg.onlyLogLines,
      follow: cfg.follow,
      sinceSeconds: cfg.sinceMs === undefined ? undefined : sinceSecondsFor(cfg.sinceMs),
      sinceTime: cfg.sinceTime,
      tailLines: cfg.tail >= 0 ? cfg.tail : undefined,
      maxAttemptsNoFollow: 5,
      // Capped at 10 s so a returning server is picked up quickly; the shared budget below prevents storms.
      backoff: { initialMs: 250, maxMs: 10_000 },
      random: Math.random,
      report,
      sanitize: p.sanitize,
      maxLineBytes: cfg.maxLineBytes,
      // A silent stream is checked after 30 s: PING, then the container's newest line (see stall.ts).
      stall: new StallMonitor(api.ping ? { ping: (ms) => api.ping!(ms) } : {}),
      // Reconnects of all tails together: at most 20 per second after a burst of 100.
      retryBudget: new TokenBucket(20, 100),
    },
    root.signal,
    {
      maxConcurrent: cfg.maxLogRequests,
      onQueued: (waiting) => {
        if (queueNoted || !cfg.follow) return;
        queueNoted = true;
        report(
          `kstern: ${cfg.maxLogRequests} log streams are open (--max-log-requests); ${waiting === 1 ? 'another waits' : 'others wait'} for a free slot`,
        );
      },
    },
  );
  const wanted = (pod: Pod) => cfg.condition === undefined || conditionMatches(pod, cfg.condition);

  let fatal: string | undefined;
  let failed = false;
  try {
    const labelSelector = cfg.prompt
      ? await promptForInstance({
          api,
          namespaces,
          signal: root.signal,
          input: deps.stdin,
          output: deps.stderr,
          color: useColor(cfg.color, deps.stderr.isTTY === true, deps.env),
        })
      : cfg.labelSelector;
    const groups: SelectorGroup[] = cfg.resource
      ? await resolveWorkload(api, cfg.resource, namespaces, root.signal, report)
      : [{ namespaces, labelSelector: labelSelector ?? '' }];
    if (!cfg.follow) {
      failed = await listOnce(
        api,
        cfg,
        groups,
        (pod) => {
          if (wanted(pod)) for (const t of targets.visit(pod)) tails.start(t);
        },
        root.signal,
        report,
        kube.contextName,
      );
      await tails.drain();
    } else {
      fatal = await follow(
        api,
        cfg,
        groups,
        {
          upsert(pod) {
            if (wanted(pod)) {
              for (const t of targets.visit(pod)) tails.start(t);
            } else {
              // --condition no longer holds: stop its tails; it is tailed again when it matches again.
              targets.forget(pod);
              tails.stopPod(pod);
            }
          },
          delete(pod) {
            targets.forget(pod);
            tails.podDeleted(pod);
          },
        },
        root.signal,
        report,
        kube.contextName,
      );
    }
  } catch (e) {
    if (e instanceof KubeError && !root.signal.aborted) fatal = describe(e, api, kube.contextName, cfg);
    else if (!root.signal.aborted) throw e;
  } finally {
    root.abort(root.signal.reason ?? 'done');
    await tails.drain();
    api.close();
  }
  if (fatal !== undefined) {
    await writer.err(`Error: ${fatal}\n`);
    return 1;
  }
  return failed || tails.failures > 0 ? 1 : 0;
}

/** --no-follow: one list per namespace; every matching container is read to its end. */
async function listOnce(
  api: KubeApi,
  cfg: Config,
  groups: SelectorGroup[],
  onPod: (pod: Pod) => void,
  signal: AbortSignal,
  report: (line: string) => void,
  context: string,
): Promise<boolean> {
  let failed = false;
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
        for (const pod of list.items) onPod(pod);
      } catch (e) {
        if (!(e instanceof KubeError) || signal.aborted) throw e;
        if (isFatalAtStart(e) || (groups.length === 1 && g.namespaces.length === 1)) throw e;
        const where = namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
        report(`failed to list pods in ${where}: ${describe(e, api, context, cfg)}`);
        failed = true;
      }
    }
  }
  return failed;
}

/** Follow mode: list + watch every namespace until the run is stopped. Returns a fatal message, if any. */
async function follow(
  api: KubeApi,
  cfg: Config,
  groups: SelectorGroup[],
  on: { upsert(pod: Pod): void; delete(pod: Pod): void },
  signal: AbortSignal,
  report: (line: string) => void,
  context: string,
): Promise<string | undefined> {
  const total = groups.reduce((n, g) => n + g.namespaces.length, 0);
  const failedAtStart = new Set<string | undefined>();
  const reported = new Map<string | undefined, string>();
  const streams = groups.map((g) =>
    watchPods(api, {
      namespaces: g.namespaces,
      labelSelector: g.labelSelector || undefined,
      fieldSelector: cfg.fieldSelector,
      signal,
    }),
  );
  for await (const ev of mergeAsync(streams)) {
    if (ev.type === 'upsert') on.upsert(ev.pod);
    else if (ev.type === 'delete') on.delete(ev.pod);
    else if (ev.type === 'synced') reported.delete(ev.namespace);
    else if (ev.type === 'error') {
      if (ev.initial) failedAtStart.add(ev.namespace);
      const msg = describe(ev.error, api, context, cfg);
      if (ev.initial && (isFatalAtStart(ev.error) || failedAtStart.size === total)) return msg;
      if (reported.get(ev.namespace) !== msg) {
        const where = ev.namespace === undefined ? 'all namespaces' : `namespace ${ev.namespace}`;
        report(`failed to watch pods in ${where}: ${msg}, will retry`);
        reported.set(ev.namespace, msg);
      }
    }
  }
  return undefined;
}
