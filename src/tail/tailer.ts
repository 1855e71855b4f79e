// One target's tail: a follow stream of one container instance, resumed exactly once after any
// interruption while the container still runs, ended for good only when the container instance
// terminated, was replaced (restart) or its pod is gone.
//
// The shape (as stern keeps Tail.Start apart from its retry loop): `readAttempt` reads one stream through
// the LineEmitter (emitter.ts: which lines are printed, exactly once) to the sink; the pure `nextStep`
// (rules.ts: resume, backoff, re-check, end) decides what follows; the loop below only runs the steps.

import type { Pod } from '../core/kube-objects.ts';
import type { Target } from '../core/model.ts';
import { parseTimestampNs, splitTimestamp } from '../core/rfc3339.ts';
import type { KubeApi, LogOptions } from '../kube/api.ts';
import { KubeError } from '../kube/api.ts';
import { chooseContainerId, type TargetSet } from '../targets/select.ts';
import type { Backoff } from '../util/backoff.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { errorMessage } from '../util/errors.ts';
import { LineSplitter } from '../util/lines.ts';
import type { Report } from '../util/messages.ts';
import type { TokenBucket } from '../util/token-bucket.ts';
import { LineEmitter } from './emitter.ts';
import {
  AnchorMissing,
  type Facts,
  isNoteworthy,
  nextStep,
  type Outcome,
  type ReadMode,
  type RetryState,
  StallError,
  type TailResult,
  type TailRules,
  type Where,
} from './rules.ts';
import type { LineSink } from './sink.ts';
import type { StallMonitor, StreamWatch } from './stall.ts';

export { CONTINUED } from './emitter.ts';
export type { TailResult } from './rules.ts';

export interface TailContext {
  api: KubeApi;
  /** Where lines and attach/detach lines go (output/sink.ts). */
  sink: LineSink;
  targets: Pick<TargetSet, 'status'>;
  onlyLogLines: boolean;
  follow: boolean;
  /** First-request options (--since / --since-time / --tail); a resume uses its own sinceTime instead. */
  sinceSeconds: number | undefined;
  sinceTime: string | undefined;
  tailLines: number | undefined;
  /** Without --follow, how many attempts a target gets before it counts as failed. */
  maxAttemptsNoFollow: number;
  /** --previous: read the container's last terminated instance (previous=true), not the current one. */
  previous?: boolean;
  backoff: Backoff;
  random: () => number;
  /** A message for stderr (the run writes it as `kstern: <severity>: <text>`). */
  report: Report;
  /** Stall detection for follow streams (none when undefined). */
  stall?: StallMonitor;
  /** Retries after consecutive failures take a token from this bucket, shared by all tails. */
  retryBudget?: TokenBucket;
  /** Terminal safety: applied to each line's content before formatting; undefined = byte-exact. */
  sanitize?: ((content: Buffer) => Buffer) | undefined;
  /** A stream that stayed open this long counts as healthy: the backoff starts over. Default 5 s. */
  healthyMs?: number;
  /** --max-line-bytes: a longer line is printed in pieces of this size, each but the last marked. */
  maxLineBytes?: number;
  clock?: Clock;
}

/** How long the GET of a pod that tells which instance a stream reads may take. */
const POD_GET_TIMEOUT_MS = 30_000;

export function targetName(t: Target): string {
  return `${t.namespace}/${t.pod}/${t.container}`;
}

/**
 * Tails `t` until it ends for good or `signal` aborts. Never throws; 'failed' means the stream could
 * not be read to its end (only possible without --follow, where retries are bounded).
 */
export function tailTarget(
  t: Target,
  ctx: TailContext,
  signal: AbortSignal,
  /** Lets the caller tell the tail that its container changed (restarted, pod deleted): see `recheck`. */
  onChange?: (recheck: () => void) => void,
): Promise<TailResult> {
  const tail = new Tail(t, ctx, signal);
  // A resume that has not found its anchor yet may be reading the new instance of a restarted
  // container (which may stay quiet): when the container changes, look again at once.
  onChange?.(() => tail.recheck());
  return tail.run();
}

/** One tail's state and I/O; its decisions are rules.ts's `nextStep`. */
class Tail {
  readonly #t: Target;
  readonly #ctx: TailContext;
  readonly #signal: AbortSignal;
  readonly #clock: Clock;
  readonly #rules: TailRules;
  readonly #name: string;
  readonly #emitter: LineEmitter;
  /** Aborts the current attempt to look again; set while one runs. */
  #abortAttempt: (() => void) | undefined;

  constructor(t: Target, ctx: TailContext, signal: AbortSignal) {
    this.#t = t;
    this.#ctx = ctx;
    this.#signal = signal;
    this.#clock = ctx.clock ?? systemClock;
    this.#rules = {
      follow: ctx.follow,
      maxAttemptsNoFollow: ctx.maxAttemptsNoFollow,
      backoff: ctx.backoff,
      healthyMs: ctx.healthyMs ?? 5000,
      random: ctx.random,
    };
    this.#name = targetName(t);
    this.#emitter = new LineEmitter({
      target: t,
      sanitize: ctx.sanitize,
      onLongLine: () =>
        ctx.report(
          `a line of ${this.#name} is longer than --max-line-bytes (${ctx.maxLineBytes} bytes): printed in pieces`,
          'warning',
        ),
    });
  }

  /** The container changed: an attempt still waiting for its anchor stops and looks again. */
  recheck(): void {
    if (this.#emitter.anchorPending) this.#abortAttempt?.();
  }

  /** Read attempts, each followed by the step `nextStep` decides, until one says end. */
  async run(): Promise<TailResult> {
    const ctx = this.#ctx;
    const t = this.#t;
    const signal = this.#signal;
    if (!ctx.onlyLogLines) await ctx.sink.attached(t);
    if (ctx.follow && t.previousFirst === true) await this.#readPreviousInstance();
    let state: RetryState = { attempt: 0, lastReport: '' };
    let mode: ReadMode = 'first';
    let result: TailResult = 'ok';
    while (!signal.aborted) {
      const { outcome, splitter } = await this.#readAttempt(mode);
      if (signal.aborted) break;
      const facts: Facts = { status: ctx.follow ? ctx.targets.status(t) : 'terminated' };
      let d = nextStep(state, outcome, facts, this.#rules, this.#name);
      if (d.step.kind === 'locate') {
        facts.where = await this.#whereIsInstance();
        if (signal.aborted) break;
        d = nextStep(state, outcome, facts, this.#rules, this.#name);
      }
      state = d.state;
      if (d.report !== undefined) ctx.report(d.report.text, d.report.severity);
      const step = d.step;
      if (step.kind === 'locate') break; // cannot happen: `where` is known now
      if (step.kind === 'end') {
        // The stream ended for good: a last line without a newline is still a line.
        if (step.flush) await this.#print(splitter.end(), splitter);
        result = step.result;
        break;
      }
      if (step.delayMs > 0) await this.#clock.sleep(step.delayMs, signal);
      // The first resume after a healthy stream goes at once (a mass disconnect resumes every tail, like
      // the first attach); consecutive failures also queue for the shared budget.
      if (step.budget) await ctx.retryBudget?.take(signal);
      // The watch may have caught up while we waited.
      if (step.endIfGone && ctx.targets.status(t) === 'gone') break;
      mode = step.mode;
    }
    if (!ctx.onlyLogLines) await ctx.sink.detached(t);
    return result;
  }

  /** The request options every read of this container shares. */
  #logOptions(follow: boolean): LogOptions {
    const t = this.#t;
    return { namespace: t.namespace, pod: t.pod, container: t.container, follow, timestamps: true };
  }

  /** --since / --since-time / --tail, for a first read (a resume uses its own sinceTime). */
  #firstReadWindow(opts: LogOptions): void {
    const ctx = this.#ctx;
    if (ctx.sinceSeconds !== undefined) opts.sinceSeconds = ctx.sinceSeconds;
    if (ctx.sinceTime !== undefined) opts.sinceTime = ctx.sinceTime;
    if (ctx.tailLines !== undefined) opts.tailLines = ctx.tailLines;
  }

  /**
   * The window (--tail / --since) of the instance before the one this tail follows, read once and marked,
   * so that attaching after a crash does not hide the crash. A failure is reported, never retried: the
   * current instance matters more.
   */
  async #readPreviousInstance(): Promise<void> {
    const ctx = this.#ctx;
    const signal = this.#signal;
    const opts = { ...this.#logOptions(false), previous: true };
    this.#firstReadWindow(opts);
    const prev = new LineEmitter({ target: this.#t, sanitize: ctx.sanitize });
    prev.begin('first');
    const splitter = new LineSplitter(ctx.maxLineBytes);
    const emit = async (raw: Buffer[]) => {
      const { lines } = prev.take(raw, splitter.kinds);
      if (lines.length > 0) await ctx.sink.lines(lines.map((l) => ({ ...l, previous: true })));
    };
    try {
      for await (const chunk of ctx.api.streamLog(opts, signal)) await emit(splitter.push(chunk));
      await emit(splitter.end());
    } catch (e) {
      if (!signal.aborted && isNoteworthy(e))
        ctx.report(`cannot read the previous instance of ${this.#name}: ${errorMessage(e)}`, 'warning');
    }
  }

  /** Prints what the emitter lets through of `raw`; returns how many lines, and whether the anchor was missing. */
  async #print(raw: Buffer[], splitter: LineSplitter): Promise<{ printed: number; anchorMissing: boolean }> {
    if (raw.length === 0) return { printed: 0, anchorMissing: false };
    const { lines, anchorMissing } = this.#emitter.take(raw, splitter.kinds);
    if (lines.length > 0) await this.#ctx.sink.lines(lines);
    return { printed: lines.length, anchorMissing };
  }

  /** One request: reads the stream to its end (or failure, stall, recheck, abort). */
  async #readAttempt(m: ReadMode): Promise<{ outcome: Outcome; splitter: LineSplitter }> {
    const ctx = this.#ctx;
    const signal = this.#signal;
    const emitter = this.#emitter;
    const opts = this.#logOptions(ctx.follow && m !== 'previous');
    // --previous: every attempt reads the last terminated instance.
    if (m === 'previous' || ctx.previous === true) opts.previous = true;
    const since = m === 'first' ? undefined : emitter.sinceTime();
    if (since !== undefined) opts.sinceTime = since;
    else this.#firstReadWindow(opts);
    emitter.begin(m);
    const splitter = new LineSplitter(ctx.maxLineBytes);
    const attemptCtl = new AbortController();
    const onAbort = () => attemptCtl.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let stalled: string | undefined;
    let recheck = false;
    this.#abortAttempt = () => {
      recheck = true;
      attemptCtl.abort('recheck');
    };
    let watch: StreamWatch | undefined;
    if (ctx.stall !== undefined && opts.follow) {
      watch = ctx.stall.register({
        check: (s) => this.#checkSilence(s, watch!),
        restart: (why) => {
          stalled = why;
          attemptCtl.abort('stalled');
        },
      });
    }
    const started = this.#clock.now();
    let printed = 0;
    let failure: unknown;
    try {
      watch?.waiting();
      for await (const chunk of ctx.api.streamLog(opts, attemptCtl.signal)) {
        watch?.busy();
        const r = await this.#print(splitter.push(chunk), splitter);
        printed += r.printed;
        if (r.anchorMissing) throw new AnchorMissing();
        watch?.waiting();
      }
    } catch (e) {
      failure = e;
    } finally {
      this.#abortAttempt = undefined;
      watch?.close();
      signal.removeEventListener('abort', onAbort);
    }
    // Cut inside an over-long line: the resume fetches the line again; its printed pieces are skipped.
    emitter.end(splitter.inLongLine);
    if (stalled !== undefined && failure === undefined) failure = new StallError(stalled);
    return {
      outcome: {
        mode: m,
        failure,
        // An abort to look again ends the stream quietly; a real failure at the same time wins.
        recheck: recheck && failure === undefined,
        anchorPending: emitter.anchorPending,
        printed,
        elapsedMs: this.#clock.now() - started,
      },
      splitter,
    };
  }

  /**
   * Where the instance this tail reads stands, from a fresh GET of the pod: 'current' (still its log),
   * 'previous' (the pod's last terminated instance: readable with previous=true), 'lost' (pod gone or
   * re-created, or an older instance), 'unknown' (the request failed).
   */
  async #whereIsInstance(): Promise<Where> {
    const t = this.#t;
    let pod: Pod;
    try {
      // With a deadline: a GET that hangs must not stop this tail for good ('unknown' retries later).
      const deadline = AbortSignal.any([this.#signal, AbortSignal.timeout(POD_GET_TIMEOUT_MS)]);
      pod = await this.#ctx.api.getPod(t.namespace, t.pod, deadline);
    } catch (e) {
      return e instanceof KubeError && e.status === 404 ? 'lost' : 'unknown';
    }
    return whereIn(pod, t);
  }

  /**
   * The stream has been silent while its connection is alive. Silent for a good reason unless the
   * instance has ended (then the stream should have ended too: re-reading ends it) or the container's
   * log has a line newer than the last one printed that the stream has not delivered in a grace period.
   */
  async #checkSilence(s: AbortSignal, w: StreamWatch): Promise<'ok' | 'restart'> {
    const ctx = this.#ctx;
    const status = ctx.targets.status(this.#t);
    if (status === 'gone') return 'ok'; // the manager closes it after its grace period
    if (status !== 'active') return 'restart';
    const before = w.lastActivity;
    const newest = await this.#newestLine(s);
    const lastNs = this.#emitter.lastNs;
    if (newest === undefined || (lastNs !== undefined && newest <= lastNs)) return 'ok';
    // The server has a newer line: give the stream a moment to deliver it.
    await this.#clock.sleep(Math.min(2000, Math.max(100, (ctx.stall?.idleMs ?? 30_000) / 4)), s);
    return w.lastActivity === before ? 'restart' : 'ok';
  }

  /** The timestamp of the container's newest log line (one small non-follow request). */
  async #newestLine(s: AbortSignal): Promise<bigint | undefined> {
    const chunks: Buffer[] = [];
    const opts = { ...this.#logOptions(false), tailLines: 1, limitBytes: 256 };
    for await (const c of this.#ctx.api.streamLog(opts, s)) chunks.push(c);
    const { timestamp } = splitTimestamp(Buffer.concat(chunks));
    return timestamp === '' ? undefined : parseTimestampNs(timestamp);
  }
}

/** Where `t`'s instance stands in `pod` (a fresh copy from the API server): see #whereIsInstance. */
export function whereIn(pod: Pod, t: Target): Where {
  if (pod.metadata?.uid !== undefined && t.podUid !== '' && pod.metadata.uid !== t.podUid) return 'lost';
  const st = pod.status;
  const s = [
    ...(st?.containerStatuses ?? []),
    ...(st?.initContainerStatuses ?? []),
    ...(st?.ephemeralContainerStatuses ?? []),
  ].find((x) => x.name === t.container);
  if (s === undefined) return 'lost';
  if (chooseContainerId(s) === t.containerId) return 'current';
  if (s.lastState?.terminated?.containerID === t.containerId) return 'previous';
  return 'lost';
}
