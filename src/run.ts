// Wires the pipeline for one Config: kubeconfig → API → pod watcher → targets → tails → writer.
import { readFile } from 'node:fs/promises';
import { TemplateError } from '@kstern/gotemplate';
import ms from 'ms';
import { promptForInstance } from './cli/prompt.ts';
import type { Config } from './config/config.ts';
import { sinceSecondsFor } from './config/duration.ts';
import { resolveKubeconfig } from './config/kubeconfig.ts';
import { localZoneFrom } from './config/local-zone.ts';
import type { Pod } from './core/kube-objects.ts';
import type { Target } from './core/model.ts';
import type { Deps } from './deps.ts';
import { EventWatch } from './events.ts';
import { isConnectionLoss, type KubeApi, KubeError } from './kube/api.ts';
import { watchPods } from './kube/pod-watcher.ts';
import { createKubeApi } from './kube/transport.ts';
import { resolveWorkload, type SelectorGroup } from './kube/workloads.ts';
import { type ExitSeen, humanMs, nothingMatchedLine, type Search, summaryLine } from './outcome.ts';
import { buildPalette, type ColorLevel, colorLevel, paletteSgr, useColor } from './output/colors.ts';
import {
  type DefaultFormatOptions,
  defaultFormatter,
  type EventLine,
  eventText,
  type Formatter,
  noticeLine,
} from './output/format.ts';
import { type GuardedFormatter, guardFormatter } from './output/guard.ts';
import { eventJSONLine } from './output/json-formats.ts';
import { makeFormatter } from './output/make-formatter.ts';
import { sanitizerFor, sanitizeText, textSanitizerFor } from './output/sanitize.ts';
import { formatSink } from './output/sink.ts';
import { Writer } from './output/writer.ts';
import { runStdin } from './stdin.ts';
import { TailManager } from './tail/manager.ts';
import { StallMonitor } from './tail/stall.ts';
import { targetName } from './tail/tailer.ts';
import { conditionMatches } from './targets/condition.ts';
import { containerNotices, noticeText, waitsToStart } from './targets/notices.ts';
import { containerSelected, podMatches, TargetSet } from './targets/select.ts';
import { podOver } from './targets/until.ts';
import { UntilRun } from './until-run.ts';
import { UserError } from './util/errors.ts';
import { EXIT, SIGNAL_EXIT } from './util/exit-codes.ts';
import { mergeAsync } from './util/merge.ts';
import { sleep } from './util/sleep.ts';
import { TokenBucket } from './util/token-bucket.ts';

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
  level: ColorLevel,
  report: (l: string) => void,
  onLineFailed: () => void,
  context?: string,
): Promise<GuardedFormatter> {
  const color = level > 0;
  const template = await templateText(cfg);
  const showNamespace = cfg.allNamespaces || cfg.namespaces.length > 1;
  const sanitize = deps.stdout.isTTY === true || cfg.sanitize;
  let f: Formatter;
  try {
    f = makeFormatter({
      cfg,
      template,
      color,
      level,
      showNamespace,
      localZone: () => localZoneFrom(deps.env),
      stdin: cfg.stdin,
      report,
      onLineFailed,
      sanitize,
      ...(context === undefined ? {} : { context }),
    });
  } catch (e) {
    if (e instanceof TemplateError) throw new UserError(`unable to parse template: ${e.message}`, 2);
    throw e;
  }
  const what = template !== undefined ? 'the template' : `--output ${cfg.output}`;
  const fallback = defaultFormatter({
    color,
    level,
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
    const level = colorLevel(cfg.color, deps.stdout.isTTY === true, deps.env);
    const color = level > 0;
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
    let lineFailures = 0;
    const formatter = await formatterFor(cfg, deps, level, report, () => lineFailures++);
    const sanitize = sanitizerFor({
      stdoutIsTTY: deps.stdout.isTTY === true,
      sanitizeFlag: cfg.sanitize,
      color,
    });
    // Notices about containers (waiting, terminated) look like the attach lines.
    const noticeStyle: DefaultFormatOptions = {
      color,
      level,
      showNamespace: cfg.allNamespaces || cfg.namespaces.length > 1,
      palette: buildPalette(cfg.podColors, cfg.containerColors),
      diffContainer: cfg.diffContainer,
    };
    const notice: RunParts['notice'] = (c, text) => void writer.err(noticeLine(noticeStyle, c, text));
    // --events: their own shape under -o json/extjson; -o raw and templates get the text form.
    const safeText = sanitize === undefined ? (s: string) => s : (s: string) => sanitizeText(s, false);
    const printEvent: RunParts['printEvent'] = (e) => {
      const v = { ...e, reason: safeText(e.reason), message: safeText(e.message) };
      const json = cfg.template === undefined && cfg.output !== 'default' && cfg.output !== 'raw';
      return writer.out(
        Buffer.from(
          json ? eventJSONLine(v) : eventText(noticeStyle, v, cfg.output === 'raw' && !cfg.template),
        ),
      );
    };
    let code: number;
    if (cfg.stdin) {
      code = await runStdin({
        input: deps.stdin,
        sink: formatSink(formatter, writer),
        sanitize,
        signal: root.signal,
        maxLineBytes: cfg.maxLineBytes,
      });
    } else if (cfg.contexts.length > 1) {
      const parts = { root, writer, report, formatter, sanitize, notice, printEvent };
      const each = await runClusters(cfg, deps, parts, (context) =>
        formatterFor(cfg, deps, level, report, () => lineFailures++, context),
      );
      code = each.code;
      if (each.formatFailures > 0 && code === EXIT.ok) code = EXIT.formatFailed;
    } else {
      code = await runCluster(cfg, deps, { root, writer, report, formatter, sanitize, notice, printEvent });
    }
    // A line the template failed on (dropped), or one the chosen output could not format (printed in the
    // default format): not a clean run.
    if ((formatter.failures > 0 || lineFailures > 0) && code === EXIT.ok) code = EXIT.formatFailed;
    await writer.flush();
    const broken = writer.outFailure;
    if (broken !== undefined) {
      // A full disk or an I/O error lost output: never a quiet success.
      await writer.err(`Error: cannot write to standard output: ${broken.message}\n`);
      await writer.flush();
      return EXIT.error;
    }
    if (deps.signal.aborted) return SIGNAL_EXIT[String(deps.signal.reason)] ?? EXIT.error;
    return code;
  } finally {
    deps.signal.removeEventListener('abort', onSignal);
  }
}

/**
 * Several --context: the same query in each cluster at once, each with its own kubeconfig context,
 * transport and credentials, and its own formatter (the context before each line). A cluster that fails
 * is reported once (its error line names the context) and the others go on. The exit code: an error in
 * any cluster wins; nothing matched only when it is so in every cluster.
 */
async function runClusters(
  cfg: Config,
  deps: Deps,
  parts: RunParts,
  formatterOf: (context: string) => Promise<GuardedFormatter>,
): Promise<{ code: number; formatFailures: number }> {
  const formatters = new Map<string, GuardedFormatter>();
  for (const c of cfg.contexts) formatters.set(c, await formatterOf(c));
  const codes = await Promise.all(
    cfg.contexts.map(async (context) => {
      // Its own root: a cluster that ends (or fails) does not stop the others; a signal stops all.
      const root = new AbortController();
      const stop = () => root.abort(parts.root.signal.reason);
      if (parts.root.signal.aborted) stop();
      parts.root.signal.addEventListener('abort', stop, { once: true });
      try {
        return await runCluster({ ...cfg, context, contexts: [context] }, deps, {
          ...parts,
          root,
          formatter: formatters.get(context)!,
          report: (line) => parts.report(`[${context}] ${line}`),
          label: `context "${context}": `,
        });
      } catch (e) {
        if (!(e instanceof UserError) && !(e instanceof KubeError)) throw e;
        await parts.writer.err(`Error: context "${context}": ${e.message}\n`);
        return e instanceof UserError ? e.exitCode : EXIT.error;
      } finally {
        parts.root.signal.removeEventListener('abort', stop);
      }
    }),
  );
  const failures = [...formatters.values()].reduce((n, f) => n + f.failures, 0);
  const notOk = codes.filter((c) => c !== EXIT.ok);
  let code: number = EXIT.ok;
  if (notOk.includes(EXIT.error)) code = EXIT.error;
  else if (notOk.length === codes.length && notOk.every((c) => c === EXIT.nothingMatched))
    code = EXIT.nothingMatched;
  else code = notOk.find((c) => c !== EXIT.nothingMatched) ?? EXIT.ok;
  return { code, formatFailures: failures };
}

interface RunParts {
  /** With several --context: names the cluster in its fatal error line (`context "a": `). */
  label?: string;
  root: AbortController;
  writer: Writer;
  report: (line: string) => void;
  formatter: Formatter;
  sanitize: ((line: Buffer) => Buffer) | undefined;
  /** Prints `! <pod> › <container> <text>` on stderr. */
  notice: (c: { namespace: string; pod: string; container: string }, text: string) => void;
  /** Prints an event line on stdout (--events). */
  printEvent: (e: EventLine) => Promise<void>;
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
  if (kube.inCluster !== undefined && cfg.verbosity >= 6) {
    report(`using the in-cluster configuration: ${kube.server}, service account in ${kube.inCluster}`);
  }
  const namespaces: (string | undefined)[] = cfg.allNamespaces
    ? [undefined]
    : cfg.namespaces.length > 0
      ? [...cfg.namespaces]
      : [kube.namespace];
  const api = await (deps.createApi ?? createKubeApi)(kube, {
    verbosity: cfg.verbosity,
    log: report,
    throttle: cfg.throttle,
  });
  // For the summary: ended instances seen (by pod uid, container and instance), containers tailed, lines printed.
  const exits = new Map<string, ExitSeen>();
  const tailed = new Set<string>();
  let printed = 0;
  // Containers that wait to start with --no-follow: no log to read, so not a clean run (kubectl exits 1).
  let waitingToStart = 0;
  const waitingWanted = cfg.containerFilter.states.size === 0 || cfg.containerFilter.states.has('waiting');
  // Containers seen for the first time in the current pod event (`<pod uid>/<container>`).
  const firstSight = new Set<string>();
  const targets = new TargetSet(cfg.podFilter, cfg.containerFilter, (pod, before, now) => {
    if (before === undefined) firstSight.add(`${pod.metadata.uid ?? ''}/${now.name}`);
    const notices = containerNotices(before, now);
    if (!cfg.follow && !cfg.previous && waitingWanted && waitsToStart(now)) {
      waitingToStart++;
      // Even a plain ContainerCreating is said here: it is why this container prints nothing.
      const w = now.state?.waiting;
      if (!notices.some((n) => n.kind === 'waiting'))
        notices.push({
          kind: 'waiting',
          reason: w?.reason || 'unknown reason',
          message: w?.message || undefined,
        });
    }
    const c = { namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name, container: now.name };
    for (const n of notices) p.notice(c, noticeText(n));
    const ended = now.state?.terminated ?? now.lastState?.terminated;
    if (ended !== undefined) {
      const key = `${pod.metadata.uid}/${now.name}/${ended.containerID ?? ended.finishedAt ?? ''}`;
      if (!exits.has(key))
        exits.set(key, { pod: pod.metadata.name, container: now.name, exitCode: ended.exitCode });
    }
  });
  let queueTimer: NodeJS.Timeout | undefined;
  const sink = formatSink(
    countingFormatter(formatter, () => printed++),
    writer,
  );
  const tails = new TailManager(
    {
      api,
      sink,
      targets,
      onlyLogLines: cfg.onlyLogLines,
      follow: cfg.follow,
      sinceSeconds: cfg.sinceMs === undefined ? undefined : sinceSecondsFor(cfg.sinceMs),
      sinceTime: cfg.sinceTime,
      tailLines: cfg.tail >= 0 ? cfg.tail : undefined,
      maxAttemptsNoFollow: 5,
      previous: cfg.previous,
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
      ...deps.tailTuning?.(api, { sink, writer }),
    },
    root.signal,
    {
      maxConcurrent: cfg.maxLogRequests,
      // Never starve silently: once a burst of new containers has queued, the real numbers (and with
      // --verbosity, which containers wait).
      onQueued: () => {
        if (!cfg.follow || queueTimer !== undefined) return;
        queueTimer = setTimeout(() => {
          queueTimer = undefined;
          const waiting = tails.waiting;
          if (waiting === 0 || root.signal.aborted) return;
          report(
            `kstern: ${tails.size} of ${tails.size + waiting} containers streaming; ${waiting} waiting: raise --max-log-requests`,
          );
          if (cfg.verbosity > 0)
            report(`kstern: waiting for a free stream: ${tails.queued().map(targetName).join(', ')}`);
        }, 250);
      },
    },
  );
  const startTail = (t: Target) => {
    tailed.add(t.key);
    tails.start(t);
  };
  // Attached after a crash-restart with a --tail/--since window: the previous instance's window first.
  const windowed = cfg.tail >= 0 || cfg.sinceMs !== undefined || cfg.sinceTime !== undefined;
  const withPrevious = (t: Target): Target => {
    if (!windowed || !firstSight.has(`${t.podUid}/${t.container}`)) return t;
    const last = previousInstanceId(t);
    return last !== undefined && last !== t.containerId ? { ...t, previousFirst: true } : t;
  };
  const wanted = (pod: Pod) => cfg.condition === undefined || conditionMatches(pod, cfg.condition);
  // What the run has seen, for the line that says nothing matched.
  const podId = (pod: Pod) => pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
  const isMatch = (pod: Pod) => podMatches(pod, cfg.podFilter) && wanted(pod);
  const looked = new Set<string>();
  const matched = new Set<string>();
  let groups: SelectorGroup[] = [{ namespaces, labelSelector: cfg.labelSelector ?? '' }];
  const searched = async (waitedMs?: number): Promise<string> => {
    const s: Search = {
      query: cfg.queryText,
      workloadSelectors: cfg.resource ? groups.map((g) => g.labelSelector) : [],
      namespaces,
      missingNamespaces: await missingNamespaces(api, namespaces, root.signal),
      labelSelector: cfg.resource ? undefined : groups[0]?.labelSelector || undefined,
      fieldSelector: cfg.fieldSelector,
      looked: looked.size,
      waitedMs,
    };
    return nothingMatchedLine(s);
  };
  /** Says what was searched; the exit code for a run that matched nothing. */
  const nothingMatched = async (waitedMs?: number): Promise<number> => {
    report(await searched(waitedMs));
    return cfg.allowEmpty ? EXIT.ok : EXIT.nothingMatched;
  };

  let fatal: string | undefined;
  let failed = false;
  let code: number = EXIT.ok;
  const timers: NodeJS.Timeout[] = [];
  const pending: Promise<unknown>[] = [];
  /** Runs `fn` after `ms` unless the run ended; the run waits for it before it returns. */
  const after = (ms: number, fn: () => Promise<void>) =>
    timers.push(
      setTimeout(() => {
        if (!root.signal.aborted) pending.push(fn().catch(() => {}));
      }, ms),
    );
  let until: UntilRun | undefined;
  let eventsLoop: Promise<void> | undefined;
  /** --events: lists the events of the namespaces searched; prints those about matched pods. */
  const eventWatch = (gs: SelectorGroup[]): EventWatch | undefined =>
    cfg.events === undefined
      ? undefined
      : new EventWatch({
          api,
          signal: root.signal,
          namespaces: [...new Set(gs.flatMap((g) => g.namespaces))],
          wanted: cfg.events,
          isTailed: (uid) => matched.has(uid),
          print: p.printEvent,
          report,
        });
  const live = new Map<string, Pod>();
  const synced = new Set<string | undefined>();
  /** --until done: the run is over when every matched pod (or the Job) is; bounded by --until-timeout. */
  const untilRun = (): UntilRun => {
    const jobNs = groups[0]?.namespaces[0];
    const u = new UntilRun({
      api,
      signal: root.signal,
      job:
        cfg.resource?.kind === 'job' && jobNs !== undefined
          ? { namespace: jobNs, name: cfg.resource.name }
          : undefined,
      namespaces: groups.reduce((n, g) => n + g.namespaces.length, 0),
      waitGiven: cfg.waitMs !== undefined,
      selected: (name) => containerSelected(name, cfg.containerFilter),
      facts: () => ({ synced: synced.size, matched: matched.size, live: [...live.values()] }),
      onNothingMatched: () =>
        pending.push(
          nothingMatched().then((c) => {
            code = c;
          }),
        ),
      jobPollMs: deps.delays?.jobPollMs ?? 2000,
    });
    if (cfg.untilTimeoutMs !== undefined) {
      const ms = cfg.untilTimeoutMs;
      after(ms, async () => {
        if (u.verdict.over) return;
        report(`kstern: --until-timeout ${humanMs(ms)} ran out before every matched pod was over`);
        code = EXIT.untilTimeout;
        root.abort('until-timeout');
      });
    }
    return u;
  };
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
    groups = cfg.resource
      ? await resolveWorkload(api, cfg.resource, namespaces, root.signal, report)
      : [{ namespaces, labelSelector: labelSelector ?? '' }];
    const started = performance.now();
    if (!cfg.follow) {
      // With --wait, list again every second until a pod matches or the time is up.
      let pods: Pod[] = [];
      for (;;) {
        const r = await listOnce(api, cfg, groups, root.signal, report, kube.contextName);
        failed = r.failed;
        for (const pod of r.pods) looked.add(podId(pod));
        pods = r.pods.filter(isMatch);
        for (const pod of pods) matched.add(podId(pod));
        const left = (cfg.waitMs ?? 0) - (performance.now() - started);
        if (pods.length > 0 || left <= 0 || root.signal.aborted) break;
        await sleep(Math.min(1000, left), root.signal);
      }
      if (pods.length === 0 && !root.signal.aborted) code = await nothingMatched(cfg.waitMs);
      const events = eventWatch(groups);
      for (const pod of pods) {
        for (const t of targets.visit(pod)) {
          // --previous: a container that never restarted has no previous instance; said, not an error.
          if (cfg.previous && !hasPrevious(t)) p.notice(t, 'has no previous instance: it never restarted');
          else startTail(t);
        }
      }
      await tails.drain();
      await events?.poll();
    } else {
      // Never silent: a query that matches nothing is said after a few seconds (and ends the run at --wait).
      const noticeMs = deps.delays?.nothingMatchedMs ?? 5000;
      if (cfg.waitMs === undefined || cfg.waitMs > noticeMs) {
        after(noticeMs, async () => {
          if (matched.size === 0) report(await searched());
        });
      }
      if (cfg.waitMs !== undefined) {
        const waitMs = cfg.waitMs;
        after(waitMs, async () => {
          if (matched.size > 0) return;
          code = await nothingMatched(waitMs);
          root.abort('nothing matched');
        });
      }
      until = cfg.until === undefined ? undefined : untilRun();
      eventsLoop = eventWatch(groups)?.run(deps.delays?.eventsPollMs ?? 2000, sleep);
      fatal = await follow(
        api,
        cfg,
        groups,
        {
          upsert(pod) {
            looked.add(podId(pod));
            if (isMatch(pod)) {
              matched.add(podId(pod));
              live.set(podId(pod), pod);
            } else live.delete(podId(pod));
            if (wanted(pod)) {
              firstSight.clear();
              for (const t of targets.visit(pod)) startTail(withPrevious(t));
            } else {
              // --condition no longer holds: stop its tails; it is tailed again when it matches again.
              targets.forget(pod);
              tails.stopPod(pod);
            }
          },
          delete(pod) {
            // A pod deleted once over (a Job's TTL) still counts for --until; one deleted before is gone.
            if (isMatch(pod) && podOver(pod)) live.set(podId(pod), pod);
            else live.delete(podId(pod));
            targets.forget(pod);
            tails.podDeleted(pod);
          },
          synced(ns) {
            synced.add(ns);
          },
          after() {
            until?.check();
          },
        },
        until ? AbortSignal.any([root.signal, until.watch.signal]) : root.signal,
        report,
        kube.contextName,
      );
      // --until: every matched pod is over and the watch closed; the tails end with their last lines.
      if (until?.verdict.over === true && !root.signal.aborted) {
        await tails.drain();
        if (code === EXIT.ok && until.verdict.failed) code = EXIT.containerFailed;
      }
    }
  } catch (e) {
    if (e instanceof KubeError && !root.signal.aborted) fatal = describe(e, api, kube.contextName, cfg);
    else if (!root.signal.aborted) throw e;
  } finally {
    await until?.stop();
    for (const t of timers) clearTimeout(t);
    clearTimeout(queueTimer);
    await Promise.all(pending);
    root.abort(root.signal.reason ?? 'done');
    await tails.drain();
    await eventsLoop;
    api.close();
  }
  if (fatal !== undefined) {
    await writer.err(`Error: ${p.label ?? ''}${fatal}\n`);
    return EXIT.error;
  }
  // The end of --no-follow or --until (not a stop by signal; nothing matched was said already).
  const ended = !cfg.follow || cfg.until !== undefined;
  if (ended && !cfg.quiet && !cfg.onlyLogLines && matched.size > 0 && !deps.signal.aborted) {
    report(
      summaryLine({
        containers: tailed.size,
        lines: printed,
        failedStreams: tails.failures,
        waitingToStart,
        exits: [...exits.values()],
        job: until?.jobSummary,
      }),
    );
  }
  return failed || tails.failures > 0 || waitingToStart > 0 ? EXIT.error : code;
}

/** The id of the container's terminated instance before the current one (kubectl logs -p reads it). */
function previousInstanceId(t: Target): string | undefined {
  const st = t.podObject.status;
  const s = [
    ...(st?.initContainerStatuses ?? []),
    ...(st?.containerStatuses ?? []),
    ...(st?.ephemeralContainerStatuses ?? []),
  ].find((x) => x.name === t.container);
  return s?.lastState?.terminated?.containerID || undefined;
}

function hasPrevious(t: Target): boolean {
  return previousInstanceId(t) !== undefined;
}

/** The formatter, counting the log lines it prints (a filtered-out line is not printed). */
function countingFormatter(formatter: Formatter, onLine: () => void): Formatter {
  return {
    line(l) {
      const b = formatter.line(l);
      if (b !== undefined) onLine();
      return b;
    },
    attach: (t) => formatter.attach(t),
    detach: (t) => formatter.detach(t),
  };
}

/** The named namespaces that do not exist (a GET answers 404); none when -A or when the check fails. */
async function missingNamespaces(
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

/** --no-follow: one list per namespace (a failure in one of several is reported and skipped). */
async function listOnce(
  api: KubeApi,
  cfg: Config,
  groups: SelectorGroup[],
  signal: AbortSignal,
  report: (line: string) => void,
  context: string,
): Promise<{ pods: Pod[]; failed: boolean }> {
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
        report(`failed to list pods in ${where}: ${describe(e, api, context, cfg)}`);
        failed = true;
      }
    }
  }
  return { pods, failed };
}

/** Follow mode: list + watch every namespace until the run is stopped. Returns a fatal message, if any. */
async function follow(
  api: KubeApi,
  cfg: Config,
  groups: SelectorGroup[],
  on: { upsert(pod: Pod): void; delete(pod: Pod): void; synced(ns: string | undefined): void; after(): void },
  signal: AbortSignal,
  report: (line: string) => void,
  context: string,
): Promise<string | undefined> {
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
      signal,
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
        report(`kstern: reconnected to ${api.server} after ${ms(Math.round(performance.now() - lostSince))}`);
        lostSince = undefined;
      }
    } else if (ev.type === 'error') {
      if (ev.initial) failedAtStart.add(ev.namespace);
      const msg = describe(ev.error, api, context, cfg);
      if (ev.initial && (isFatalAtStart(ev.error) || failedAtStart.size === total)) return msg;
      if (!ev.initial && isConnectionLoss(ev.error)) {
        // An outage: said once for the server, not once per namespace and error text.
        if (lostSince === undefined) {
          lostSince = performance.now();
          report(`kstern: lost the connection to ${api.server} (${ev.error.code}); retrying…`);
        }
      } else if (reported.get(ev.namespace) !== msg) {
        const where = ev.namespace === undefined ? 'all namespaces' : `namespace ${ev.namespace}`;
        report(`failed to watch pods in ${where}: ${msg}, will retry`);
        reported.set(ev.namespace, msg);
      }
    }
    on.after();
  }
  return undefined;
}
