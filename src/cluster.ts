// One cluster's run: from its kubeconfig context to the tails. The pods come from pod-source.ts; the
// TargetSet turns them into containers to tail; the TailManager tails them into the pipeline's sink.
// The class holds what the run has seen (for --until, the summary and the "nothing matched" line); its
// methods are the steps: pick the pods, list or follow them, shut down, say how it went.
import { promptForInstance } from './cli/prompt.ts';
import type { Config } from './config/config.ts';
import { sinceSecondsFor } from './config/duration.ts';
import { type ResolvedKube, resolveKubeconfig } from './config/kubeconfig.ts';
import type { ContainerStatus, Pod } from './core/kube-objects.ts';
import type { Target } from './core/model.ts';
import type { Deps } from './deps.ts';
import { EventWatch } from './events.ts';
import { type KubeApi, KubeError } from './kube/api.ts';
import { createKubeApi } from './kube/transport.ts';
import { resolveWorkload, type SelectorGroup } from './kube/workloads.ts';
import { type ExitSeen, humanMs, nothingMatchedLine, summaryLine } from './outcome.ts';
import { colorLevel } from './output/colors.ts';
import type { EventLine, Formatter } from './output/format.ts';
import { formatSink } from './output/sink.ts';
import type { Writer } from './output/writer.ts';
import { describe, followPods, listPods, missingNamespaces, type SourceOptions } from './pod-source.ts';
import { TailManager } from './tail/manager.ts';
import { StallMonitor } from './tail/stall.ts';
import { targetName } from './tail/tailer.ts';
import { conditionMatches } from './targets/condition.ts';
import { containerNotices, noticeText, waitsToStart } from './targets/notices.ts';
import { containerSelected, podMatches, TargetSet } from './targets/select.ts';
import { podOver } from './targets/until.ts';
import { UntilRun } from './until-run.ts';
import { EXIT } from './util/exit-codes.ts';
import { messageLine, type Report } from './util/messages.ts';
import { sleep } from './util/sleep.ts';
import { TokenBucket } from './util/token-bucket.ts';

/** The parts of the pipeline a cluster run writes through (see createPipeline in run.ts). */
export interface RunParts {
  /** With several --context: names the cluster in its fatal error line (`context "a": `). */
  label?: string;
  root: AbortController;
  writer: Writer;
  report: Report;
  formatter: Formatter;
  sanitize: ((line: Buffer) => Buffer) | undefined;
  /** Prints `! <pod> › <container> <text>` on stderr. */
  notice: (c: { namespace: string; pod: string; container: string }, text: string) => void;
  /** Prints an event line on stdout (--events). */
  printEvent: (e: EventLine) => Promise<void>;
}

/** Runs the query against the cluster of `cfg.context` until it is done or stopped; returns the exit code. */
export async function runCluster(cfg: Config, deps: Deps, p: RunParts): Promise<number> {
  const kube = await resolveKubeconfig({
    kubeconfigFlag: cfg.kubeconfig,
    contextFlag: cfg.context,
    env: deps.env,
    homeDir: deps.homeDir,
    overrides: cfg.kube,
  });
  if (kube.inCluster !== undefined && cfg.verbosity >= 6) {
    p.report(`using the in-cluster configuration: ${kube.server}, service account in ${kube.inCluster}`);
  }
  const api = await (deps.createApi ?? createKubeApi)(kube, {
    verbosity: cfg.verbosity,
    trace: (line) => void p.writer.err(`${line}\n`),
    report: p.report,
    throttle: cfg.throttle,
  });
  return new ClusterRun(cfg, deps, p, kube, api).run();
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

/** A pod's identity for the run's sets: its uid, or its name where a test's pod has none. */
const podId = (pod: Pod) => pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;

class ClusterRun {
  readonly #cfg: Config;
  readonly #deps: Deps;
  readonly #p: RunParts;
  readonly #kube: ResolvedKube;
  readonly #api: KubeApi;
  readonly #root: AbortController;
  readonly #namespaces: (string | undefined)[];
  /** The label-selector groups searched: one, or one per workload selector (`deploy/x`). */
  #groups: SelectorGroup[];
  readonly #targets: TargetSet;
  readonly #tails: TailManager;

  // What the run has seen, for --until, the summary and the "nothing matched" line.
  /** Ended instances (by pod uid, container and instance). */
  readonly #exits = new Map<string, ExitSeen>();
  /** Containers tailed. */
  readonly #tailed = new Set<string>();
  #printed = 0;
  /** Containers that wait to start with --no-follow: no log to read, so not a clean run (kubectl exits 1). */
  #waitingToStart = 0;
  /** Containers seen for the first time in the current pod event (`<pod uid>/<container>`). */
  readonly #firstSight = new Set<string>();
  /** Pods the server returned, and those the query matched. */
  readonly #looked = new Set<string>();
  readonly #matched = new Set<string>();
  /** Matched pods as last seen (--until), and the namespaces whose first list is in. */
  readonly #live = new Map<string, Pod>();
  readonly #synced = new Set<string | undefined>();

  // How it ends.
  #code: number = EXIT.ok;
  /** A namespace failed to list with --no-follow (the others were tailed). */
  #failed = false;
  #fatal: string | undefined;

  // What must be stopped or awaited before the run returns.
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #pending: Promise<unknown>[] = [];
  #queueTimer: NodeJS.Timeout | undefined;
  #until: UntilRun | undefined;
  #eventsLoop: Promise<void> | undefined;

  constructor(cfg: Config, deps: Deps, p: RunParts, kube: ResolvedKube, api: KubeApi) {
    this.#cfg = cfg;
    this.#deps = deps;
    this.#p = p;
    this.#kube = kube;
    this.#api = api;
    this.#root = p.root;
    this.#namespaces = cfg.allNamespaces
      ? [undefined]
      : cfg.namespaces.length > 0
        ? [...cfg.namespaces]
        : [kube.namespace];
    this.#groups = [{ namespaces: this.#namespaces, labelSelector: cfg.labelSelector ?? '' }];
    this.#targets = new TargetSet(cfg.podFilter, cfg.containerFilter, (pod, before, now) =>
      this.#onContainer(pod, before, now),
    );
    const sink = formatSink(
      countingFormatter(p.formatter, () => this.#printed++),
      p.writer,
    );
    this.#tails = new TailManager(
      {
        api,
        sink,
        targets: this.#targets,
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
        report: p.report,
        sanitize: p.sanitize,
        maxLineBytes: cfg.maxLineBytes,
        // A silent stream is checked after 30 s: PING, then the container's newest line (see stall.ts).
        stall: new StallMonitor(api.ping ? { ping: (ms) => api.ping!(ms) } : {}),
        // Reconnects of all tails together: at most 20 per second after a burst of 100.
        retryBudget: new TokenBucket(20, 100),
        ...deps.tailTuning?.(api, { sink, writer: p.writer }),
      },
      this.#root.signal,
      { maxConcurrent: cfg.maxLogRequests, onQueued: () => this.#onQueued() },
    );
  }

  async run(): Promise<number> {
    try {
      await this.#pickGroups();
      if (this.#cfg.follow) await this.#follow();
      else await this.#listOnce();
    } catch (e) {
      if (e instanceof KubeError && !this.#root.signal.aborted)
        this.#fatal = describe(e, this.#api, this.#kube.contextName, this.#cfg);
      else if (!this.#root.signal.aborted) throw e;
    } finally {
      await this.#shutdown();
    }
    return this.#outcome();
  }

  /** The label selector (asked with --prompt) and, for a workload query, its pods' selectors. */
  async #pickGroups(): Promise<void> {
    const cfg = this.#cfg;
    const deps = this.#deps;
    const labelSelector = cfg.prompt
      ? await promptForInstance({
          api: this.#api,
          namespaces: this.#namespaces,
          signal: this.#root.signal,
          input: deps.stdin,
          output: deps.stderr,
          level: colorLevel(cfg.color, deps.stderr.isTTY === true, deps.env),
        })
      : cfg.labelSelector;
    this.#groups = cfg.resource
      ? await resolveWorkload(this.#api, cfg.resource, this.#namespaces, this.#root.signal, this.#p.report)
      : [{ namespaces: this.#namespaces, labelSelector: labelSelector ?? '' }];
  }

  #source(signal = this.#root.signal): SourceOptions {
    return {
      api: this.#api,
      cfg: this.#cfg,
      groups: this.#groups,
      signal,
      report: this.#p.report,
      context: this.#kube.contextName,
    };
  }

  /** --no-follow: list (again every second with --wait until a pod matches), tail what is there, drain. */
  async #listOnce(): Promise<void> {
    const cfg = this.#cfg;
    const started = performance.now();
    let pods: Pod[] = [];
    for (;;) {
      const r = await listPods(this.#source());
      this.#failed = r.failed;
      for (const pod of r.pods) this.#looked.add(podId(pod));
      pods = r.pods.filter((pod) => this.#isMatch(pod));
      for (const pod of pods) this.#matched.add(podId(pod));
      const left = (cfg.waitMs ?? 0) - (performance.now() - started);
      if (pods.length > 0 || left <= 0 || this.#root.signal.aborted) break;
      await sleep(Math.min(1000, left), this.#root.signal);
    }
    if (pods.length === 0 && !this.#root.signal.aborted) this.#code = await this.#nothingMatched(cfg.waitMs);
    const events = this.#eventWatch();
    for (const pod of pods) {
      for (const t of this.#targets.visit(pod)) {
        // --previous: a container that never restarted has no previous instance; said, not an error.
        if (cfg.previous && previousInstanceId(t) === undefined)
          this.#p.notice(t, 'has no previous instance: it never restarted');
        else this.#startTail(t);
      }
    }
    await this.#tails.drain();
    await events?.poll();
  }

  /** Follow mode: watch the pods until the run is stopped (or, with --until, until every one is over). */
  async #follow(): Promise<void> {
    const cfg = this.#cfg;
    const deps = this.#deps;
    // Never silent: a query that matches nothing is said after a few seconds (and ends the run at --wait).
    const noticeMs = deps.delays?.nothingMatchedMs ?? 5000;
    if (cfg.waitMs === undefined || cfg.waitMs > noticeMs) {
      this.#after(noticeMs, async () => {
        if (this.#matched.size === 0) this.#p.report(await this.#searched());
      });
    }
    if (cfg.waitMs !== undefined) {
      const waitMs = cfg.waitMs;
      this.#after(waitMs, async () => {
        if (this.#matched.size > 0) return;
        this.#code = await this.#nothingMatched(waitMs);
        this.#root.abort('nothing matched');
      });
    }
    const until = cfg.until === undefined ? undefined : this.#untilRun();
    this.#until = until;
    this.#eventsLoop = this.#eventWatch()?.run(deps.delays?.eventsPollMs ?? 2000, sleep);
    const signal = until ? AbortSignal.any([this.#root.signal, until.watch.signal]) : this.#root.signal;
    this.#fatal = await followPods(this.#source(signal), {
      upsert: (pod) => this.#upsert(pod),
      delete: (pod) => this.#delete(pod),
      synced: (ns) => this.#synced.add(ns),
      after: () => until?.check(),
    });
    // --until: every matched pod is over and the watch closed; the tails end with their last lines.
    if (until?.verdict.over === true && !this.#root.signal.aborted) {
      await this.#tails.drain();
      if (this.#code === EXIT.ok && until.verdict.failed) this.#code = EXIT.containerFailed;
    }
  }

  #upsert(pod: Pod): void {
    this.#looked.add(podId(pod));
    if (this.#isMatch(pod)) {
      this.#matched.add(podId(pod));
      this.#live.set(podId(pod), pod);
    } else this.#live.delete(podId(pod));
    if (this.#wanted(pod)) {
      this.#firstSight.clear();
      for (const t of this.#targets.visit(pod)) this.#startTail(this.#withPrevious(t));
    } else {
      // --condition no longer holds: stop its tails; it is tailed again when it matches again.
      this.#targets.forget(pod);
      this.#tails.stopPod(pod);
    }
  }

  #delete(pod: Pod): void {
    // A pod deleted once over (a Job's TTL) still counts for --until; one deleted before is gone.
    if (this.#isMatch(pod) && podOver(pod)) this.#live.set(podId(pod), pod);
    else this.#live.delete(podId(pod));
    this.#targets.forget(pod);
    this.#tails.podDeleted(pod);
  }

  #wanted(pod: Pod): boolean {
    return this.#cfg.condition === undefined || conditionMatches(pod, this.#cfg.condition);
  }

  #isMatch(pod: Pod): boolean {
    return podMatches(pod, this.#cfg.podFilter) && this.#wanted(pod);
  }

  #startTail(t: Target): void {
    this.#tailed.add(t.key);
    this.#tails.start(t);
  }

  /** Attached after a crash-restart with a --tail/--since window: the previous instance's window first. */
  #withPrevious(t: Target): Target {
    const cfg = this.#cfg;
    const windowed = cfg.tail >= 0 || cfg.sinceMs !== undefined || cfg.sinceTime !== undefined;
    if (!windowed || !this.#firstSight.has(`${t.podUid}/${t.container}`)) return t;
    const last = previousInstanceId(t);
    return last !== undefined && last !== t.containerId ? { ...t, previousFirst: true } : t;
  }

  /** The TargetSet's listener: a container's state changed (or it was seen for the first time). */
  #onContainer(pod: Pod, before: ContainerStatus | undefined, now: ContainerStatus): void {
    const cfg = this.#cfg;
    if (before === undefined) this.#firstSight.add(`${pod.metadata.uid ?? ''}/${now.name}`);
    const notices = containerNotices(before, now);
    const waitingWanted = cfg.containerFilter.states.size === 0 || cfg.containerFilter.states.has('waiting');
    if (!cfg.follow && !cfg.previous && waitingWanted && waitsToStart(now)) {
      this.#waitingToStart++;
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
    for (const n of notices) this.#p.notice(c, noticeText(n));
    const ended = now.state?.terminated ?? now.lastState?.terminated;
    if (ended !== undefined) {
      const key = `${pod.metadata.uid}/${now.name}/${ended.containerID ?? ended.finishedAt ?? ''}`;
      if (!this.#exits.has(key))
        this.#exits.set(key, { pod: pod.metadata.name, container: now.name, exitCode: ended.exitCode });
    }
  }

  /**
   * Never starve silently: once a burst of new containers has queued behind --max-log-requests, the real
   * numbers (and with --verbosity, which containers wait).
   */
  #onQueued(): void {
    if (!this.#cfg.follow || this.#queueTimer !== undefined) return;
    this.#queueTimer = setTimeout(() => {
      this.#queueTimer = undefined;
      const tails = this.#tails;
      const waiting = tails.waiting;
      if (waiting === 0 || this.#root.signal.aborted) return;
      this.#p.report(
        `${tails.size} of ${tails.size + waiting} containers streaming; ${waiting} waiting: raise --max-log-requests`,
      );
      if (this.#cfg.verbosity > 0)
        this.#p.report(`waiting for a free stream: ${tails.queued().map(targetName).join(', ')}`);
    }, 250);
  }

  /** The "nothing matched" line: what was searched, where, and how many pods were looked at. */
  async #searched(waitedMs?: number): Promise<string> {
    const cfg = this.#cfg;
    return nothingMatchedLine({
      query: cfg.queryText,
      workloadSelectors: cfg.resource ? this.#groups.map((g) => g.labelSelector) : [],
      namespaces: this.#namespaces,
      missingNamespaces: await missingNamespaces(this.#api, this.#namespaces, this.#root.signal),
      labelSelector: cfg.resource ? undefined : this.#groups[0]?.labelSelector || undefined,
      fieldSelector: cfg.fieldSelector,
      looked: this.#looked.size,
      waitedMs,
    });
  }

  /** Says what was searched; the exit code for a run that matched nothing. */
  async #nothingMatched(waitedMs?: number): Promise<number> {
    this.#p.report(await this.#searched(waitedMs));
    return this.#cfg.allowEmpty ? EXIT.ok : EXIT.nothingMatched;
  }

  /** Runs `fn` after `ms` unless the run ended; the run waits for it before it returns. */
  #after(ms: number, fn: () => Promise<void>): void {
    this.#timers.push(
      setTimeout(() => {
        if (!this.#root.signal.aborted) this.#pending.push(fn().catch(() => {}));
      }, ms),
    );
  }

  /** --events: lists the events of the namespaces searched; prints those about matched pods. */
  #eventWatch(): EventWatch | undefined {
    const wanted = this.#cfg.events;
    if (wanted === undefined) return undefined;
    return new EventWatch({
      api: this.#api,
      signal: this.#root.signal,
      namespaces: [...new Set(this.#groups.flatMap((g) => g.namespaces))],
      wanted,
      isTailed: (uid) => this.#matched.has(uid),
      print: this.#p.printEvent,
      report: this.#p.report,
    });
  }

  /** --until done: the run is over when every matched pod (or the Job) is; bounded by --until-timeout. */
  #untilRun(): UntilRun {
    const cfg = this.#cfg;
    const jobNs = this.#groups[0]?.namespaces[0];
    const u = new UntilRun({
      api: this.#api,
      signal: this.#root.signal,
      job:
        cfg.resource?.kind === 'job' && jobNs !== undefined
          ? { namespace: jobNs, name: cfg.resource.name }
          : undefined,
      namespaces: this.#groups.reduce((n, g) => n + g.namespaces.length, 0),
      waitGiven: cfg.waitMs !== undefined,
      selected: (name) => containerSelected(name, cfg.containerFilter),
      facts: () => ({
        synced: this.#synced.size,
        matched: this.#matched.size,
        live: [...this.#live.values()],
      }),
      onNothingMatched: () =>
        this.#pending.push(
          this.#nothingMatched().then((c) => {
            this.#code = c;
          }),
        ),
      jobPollMs: this.#deps.delays?.jobPollMs ?? 2000,
    });
    if (cfg.untilTimeoutMs !== undefined) {
      const ms = cfg.untilTimeoutMs;
      this.#after(ms, async () => {
        if (u.verdict.over) return;
        this.#p.report(`--until-timeout ${humanMs(ms)} ran out before every matched pod was over`, 'error');
        this.#code = EXIT.untilTimeout;
        this.#root.abort('until-timeout');
      });
    }
    return u;
  }

  /** Stops what the run started and waits for it: timers, notices in flight, tails, events, the API. */
  async #shutdown(): Promise<void> {
    await this.#until?.stop();
    for (const t of this.#timers) clearTimeout(t);
    clearTimeout(this.#queueTimer);
    await Promise.all(this.#pending);
    this.#root.abort(this.#root.signal.reason ?? 'done');
    await this.#tails.drain();
    await this.#eventsLoop;
    this.#api.close();
  }

  /** The fatal line, or the summary (at the end of --no-follow or --until); the exit code. */
  async #outcome(): Promise<number> {
    const cfg = this.#cfg;
    if (this.#fatal !== undefined) {
      await this.#p.writer.err(`${messageLine(`${this.#p.label ?? ''}${this.#fatal}`, 'error')}\n`);
      return EXIT.error;
    }
    // Not after a stop by signal; "nothing matched" was said already.
    const ended = !cfg.follow || cfg.until !== undefined;
    if (ended && !cfg.quiet && !cfg.onlyLogLines && this.#matched.size > 0 && !this.#deps.signal.aborted) {
      this.#p.report(
        summaryLine({
          containers: this.#tailed.size,
          lines: this.#printed,
          failedStreams: this.#tails.failures,
          waitingToStart: this.#waitingToStart,
          exits: [...this.#exits.values()],
          job: this.#until?.jobSummary,
        }),
      );
    }
    return this.#failed || this.#tails.failures > 0 || this.#waitingToStart > 0 ? EXIT.error : this.#code;
  }
}
