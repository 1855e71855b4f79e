// One target's tail: a follow stream of one container instance, resumed exactly once after any
// interruption while the container still runs, ended for good only when the container instance
// terminated, was replaced (restart) or its pod is gone.
//
// Resilience rules (see bench/README.md, "Resilience"):
// - Any end of the stream (clean EOF from a proxy or idle timeout, reset, GOAWAY, server restart, a
//   stall) while the instance still runs is resumed with sinceTime = the second of the last printed
//   line; ResumePoint drops the lines of that second already printed.
// - A stream that broke and whose container meanwhile terminated is resumed too: the kubelet serves a
//   terminated instance's log and ends the stream. One whose container restarted meanwhile is drained
//   with previous=true when it is the pod's last terminated instance.
// - The API serves the *current* instance's log, and the watch may not have told us yet that the
//   container restarted. So a resume must find its anchor (the last printed line, re-sent because
//   sinceTime is rounded down) before printing anything newer. A missing anchor means another instance
//   (or a rotated log): the pod is fetched to tell, and the lines are printed only if it is still ours.
// - Retries back off exponentially with jitter (reset after a healthy stream), at least Retry-After,
//   and every reconnect also takes a token from a budget shared by all tails (no request storm).
import { type KubeApi, KubeError, type LogOptions } from '../kube/api.ts';
import type { Pod } from '../kube/types.ts';
import type { Formatter } from '../output/format.ts';
import type { Writer } from '../output/writer.ts';
import { chooseContainerId, type TargetSet } from '../targets/select.ts';
import type { Target } from '../targets/types.ts';
import { type Backoff, backoffDelay, sleep } from '../util/sleep.ts';
import { LineSplitter, PIECE, type PieceKind } from './lines.ts';
import { ResumePoint } from './resume.ts';
import type { StallMonitor, StreamWatch, TokenBucket } from './stall.ts';
import { parseTimestampNs, splitTimestamp } from './timestamp.ts';

export interface TailContext {
  api: KubeApi;
  writer: Writer;
  formatter: Formatter;
  targets: Pick<TargetSet, 'status'>;
  onlyLogLines: boolean;
  follow: boolean;
  /** First-request options (--since / --since-time / --tail); a resume uses its own sinceTime instead. */
  sinceSeconds: number | undefined;
  sinceTime: string | undefined;
  tailLines: number | undefined;
  /** Without --follow, how many times a failed stream is retried before the target counts as failed. */
  maxAttemptsNoFollow: number;
  backoff: Backoff;
  random: () => number;
  /** A diagnostic line for stderr. */
  report: (line: string) => void;
  /** Stall detection for follow streams (none when undefined). */
  stall?: StallMonitor;
  /** Retries after consecutive failures take a token from this bucket, shared by all tails. */
  retryBudget?: TokenBucket;
  /** Terminal safety: applied to each line's content before formatting; undefined = byte-exact. */
  sanitize?: (content: Buffer) => Buffer;
  /** A stream that stayed open this long counts as healthy: the backoff starts over. Default 5 s. */
  healthyMs?: number;
  /** --max-line-bytes: a longer line is printed in pieces of this size, each but the last marked. */
  maxLineBytes?: number;
}

/** How long the GET of a pod that tells which instance a stream reads may take. */
const POD_GET_TIMEOUT_MS = 30_000;

/** Appended to each piece of an over-long line but its last. */
export const CONTINUED = Buffer.from(' [continued: longer than --max-line-bytes]');

export function targetName(t: Target): string {
  return `${t.namespace}/${t.pod}/${t.container}`;
}

/** A resumed stream whose first new line came without the last printed one before it. */
class AnchorMissing extends Error {
  constructor() {
    super('resumed log does not contain the last printed line');
  }
}

/** A stream closed by stall detection. */
export class StallError extends Error {
  constructor(reason: string) {
    super(`the log stream stalled (${reason})`);
    this.name = 'StallError';
  }
}

/** Whether an error from opening or reading a log stream is worth telling the user about. */
function isNoteworthy(e: unknown): boolean {
  if (!(e instanceof KubeError)) return true;
  // 0 = connection reset / GOAWAY mid-stream: resumed silently. 404 = the pod is being deleted.
  return e.status !== 0 && e.status !== 404;
}

/** An error that retrying cannot fix (without --follow the target fails at once). */
function isPermanent(e: unknown): boolean {
  if (!(e instanceof KubeError)) return false;
  return e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 408 && e.status !== 429;
}

export type TailResult = 'ok' | 'failed';

/** A line over --max-line-bytes, read in pieces: which piece comes next and which are printed. */
interface LongLine {
  timestamp: string;
  ns: bigint | undefined;
  /** Pieces seen so far (the first is 1). */
  piece: number;
  /** Pieces up to this one are not printed (already printed before a resume, or the line is skipped). */
  skipUpTo: number;
  /** The last piece printed. */
  printed: number;
}

/**
 * Tails `t` until it ends for good or `signal` aborts. Never throws; 'failed' means the stream could
 * not be read to its end (only possible without --follow, where retries are bounded).
 */
export async function tailTarget(
  t: Target,
  ctx: TailContext,
  signal: AbortSignal,
  /** Lets the caller tell the tail that its container changed (restarted, pod deleted): see `recheck`. */
  onChange?: (recheck: () => void) => void,
): Promise<TailResult> {
  if (!ctx.onlyLogLines) await ctx.writer.err(ctx.formatter.attach(t));
  const resume = new ResumePoint();
  const healthyMs = ctx.healthyMs ?? 5000;
  let lastNs: bigint | undefined;
  let attempt = 0;
  let lastReport = '';
  let resuming = false;
  /** The stream broke and the container restarted: read the rest of this instance with previous=true. */
  let drainPrevious = false;
  /** On a resume: the last printed line must come back before anything newer is printed. */
  let anchor: bigint | undefined;
  /** The pod said this is still our instance: print a resume without its anchor (a rotated log). */
  let trustNextResume = false;
  let result: TailResult = 'ok';
  /** The over-long line being read in pieces in this attempt. */
  let long: LongLine | undefined;
  /** An over-long line cut by the end of an attempt: its first `printed` pieces are not printed again. */
  let openLong: { ns: bigint; printed: number } | undefined;
  let longNoted = false;
  /** Aborts the current attempt to look again; set while one runs. */
  let abortAttempt: ((why: string) => void) | undefined;
  let rechecking = false;
  // A resume that has not found its anchor yet may be reading the new instance of a restarted
  // container (which may stay quiet): when the container changes, look again at once.
  onChange?.(() => {
    if (anchor !== undefined && abortAttempt !== undefined) {
      rechecking = true;
      abortAttempt('recheck');
    }
  });
  while (!signal.aborted) {
    const opts: LogOptions = {
      namespace: t.namespace,
      pod: t.pod,
      container: t.container,
      follow: ctx.follow && !drainPrevious,
      timestamps: true,
    };
    if (drainPrevious) opts.previous = true;
    const since = resuming ? resume.sinceTime() : undefined;
    if (since !== undefined) {
      opts.sinceTime = since;
    } else {
      if (ctx.sinceSeconds !== undefined) opts.sinceSeconds = ctx.sinceSeconds;
      if (ctx.sinceTime !== undefined) opts.sinceTime = ctx.sinceTime;
      if (ctx.tailLines !== undefined) opts.tailLines = ctx.tailLines;
    }
    const splitter = new LineSplitter(ctx.maxLineBytes);
    long = undefined;
    const attemptCtl = new AbortController();
    const onAbort = () => attemptCtl.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let stalled: string | undefined;
    rechecking = false;
    abortAttempt = (why) => attemptCtl.abort(why);
    let watch: StreamWatch | undefined;
    if (ctx.stall !== undefined && opts.follow) {
      watch = ctx.stall.register({
        check: (s) => checkSilence(s, watch!),
        restart: (why) => {
          stalled = why;
          attemptCtl.abort('stalled');
        },
      });
    }
    anchor = resuming && !trustNextResume ? lastNs : undefined;
    trustNextResume = false;
    const started = performance.now();
    let printed = 0;
    let failure: unknown;
    try {
      watch?.waiting();
      for await (const chunk of ctx.api.streamLog(opts, attemptCtl.signal)) {
        watch?.busy();
        const lines = splitter.push(chunk);
        if (lines.length > 0) printed += await emit(lines, splitter.kinds);
        watch?.waiting();
      }
    } catch (e) {
      failure = e;
    } finally {
      abortAttempt = undefined;
      watch?.close();
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) break;
    // Cut inside an over-long line: the resume fetches the line again; its printed pieces are skipped.
    // (`long` is set by emit(), which TypeScript's narrowing does not see.)
    const cutLine = long as LongLine | undefined;
    if (splitter.inLongLine && cutLine?.ns !== undefined && cutLine.printed > 0) {
      openLong = { ns: cutLine.ns, printed: cutLine.printed };
    }
    if (stalled !== undefined && failure === undefined) failure = new StallError(stalled);
    const recheck = rechecking && failure === undefined;
    if (recheck) failure = new AnchorMissing();

    if (drainPrevious) {
      // One attempt: the previous log is complete (that instance has ended).
      if (failure === undefined) {
        const rest = splitter.end();
        if (rest.length > 0) await emit(rest, splitter.kinds);
      }
      break;
    }

    // A resume that came back without the last printed line (some newer line instead, or nothing at
    // all) may be reading another instance: ask the API server whose log this is.
    if (failure instanceof AnchorMissing || (failure === undefined && anchor !== undefined)) {
      const where = await whereIsInstance();
      if (signal.aborted || where === 'lost') break;
      if (where === 'previous') {
        drainPrevious = true;
        await nextAttempt(0);
        continue;
      }
      if (where === 'unknown') {
        await nextAttempt(backoffDelay(attempt++, ctx.backoff, ctx.random));
        continue;
      }
      // Still our instance: its older lines were rotated away. Print what it has from now on.
      if (recheck) {
        await nextAttempt(0);
        continue;
      }
      if (failure instanceof AnchorMissing) {
        trustNextResume = true;
        await nextAttempt(0);
        continue;
      }
    }

    const status = ctx.follow ? ctx.targets.status(t) : 'terminated';
    if (failure === undefined && status !== 'active') {
      // The stream ended for good: a last line without a newline is still a line.
      const rest = splitter.end();
      if (rest.length > 0) await emit(rest, splitter.kinds);
      break;
    }
    // Otherwise an unterminated tail is a line cut short: the resume fetches it again in full.
    if (status === 'gone') break;
    if (status === 'replaced') {
      // The stream broke and the container restarted since: finish this instance from its previous log.
      const where = await whereIsInstance();
      if (signal.aborted || (where !== 'previous' && where !== 'current')) break;
      if (where === 'previous') {
        drainPrevious = true;
        await nextAttempt(0);
        continue;
      }
    }
    if (printed > 0 || performance.now() - started >= healthyMs) attempt = 0;
    const giveUp = !ctx.follow && (attempt + 1 >= ctx.maxAttemptsNoFollow || isPermanent(failure));
    if (failure !== undefined && (isNoteworthy(failure) || giveUp)) {
      const msg = failure instanceof Error ? failure.message : String(failure);
      if (giveUp) ctx.report(`failed to tail ${targetName(t)}: ${msg}`);
      else if (msg !== lastReport) ctx.report(`failed to tail ${targetName(t)}: ${msg}, will retry`);
      lastReport = msg;
    }
    if (giveUp) {
      result = 'failed';
      break;
    }
    const retryAfter = failure instanceof KubeError ? failure.retryAfterSeconds : undefined;
    await nextAttempt(Math.max(backoffDelay(attempt++, ctx.backoff, ctx.random), (retryAfter ?? 0) * 1000));
    // The watch may have caught up while we waited.
    if (ctx.follow && ctx.targets.status(t) === 'gone') break;
  }
  if (!ctx.onlyLogLines) await ctx.writer.err(ctx.formatter.detach(t));
  return result;

  /** Waits `ms`, then for a token of the shared reconnect budget; the next request is a resume. */
  async function nextAttempt(ms: number): Promise<void> {
    if (ms > 0) await sleep(ms, signal);
    // The first resume after a healthy stream goes at once (a mass disconnect resumes every tail, like
    // the first attach); consecutive failures also queue for the shared budget.
    if (attempt > 1) await ctx.retryBudget?.take(signal);
    resuming = true;
    resume.beginResume();
  }

  /**
   * Where the instance this tail reads stands, from a fresh GET of the pod: 'current' (still its log),
   * 'previous' (the pod's last terminated instance: readable with previous=true), 'lost' (pod gone or
   * re-created, or an older instance), 'unknown' (the request failed).
   */
  async function whereIsInstance(): Promise<'current' | 'previous' | 'lost' | 'unknown'> {
    let pod: Pod;
    try {
      // With a deadline: a GET that hangs must not stop this tail for good ('unknown' retries later).
      pod = await ctx.api.getJSON<Pod>(
        `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}`,
        AbortSignal.any([signal, AbortSignal.timeout(POD_GET_TIMEOUT_MS)]),
      );
    } catch (e) {
      return e instanceof KubeError && e.status === 404 ? 'lost' : 'unknown';
    }
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

  /** Prints the lines not printed before; returns how many it printed. */
  async function emit(lines: Buffer[], kinds: PieceKind[] | undefined): Promise<number> {
    const out: Buffer[] = [];
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const kind = kinds === undefined ? PIECE.whole : kinds[i]!;
      if (kind === PIECE.middle || kind === PIECE.last) {
        // A later piece of an over-long line: no timestamp of its own; printed unless its line was skipped.
        const l = long;
        if (l === undefined) continue;
        l.piece++;
        if (kind === PIECE.last) long = undefined;
        if (l.piece <= l.skipUpTo) continue;
        const safe = ctx.sanitize === undefined ? raw : ctx.sanitize(raw);
        const content = kind === PIECE.middle ? Buffer.concat([safe, CONTINUED]) : safe;
        const b = ctx.formatter.line({ target: t, timestamp: l.timestamp, content });
        l.printed = l.piece;
        if (b !== undefined) out.push(b);
        continue;
      }
      const { timestamp, content } = splitTimestamp(raw);
      const ns = timestamp === '' ? undefined : parseTimestampNs(timestamp);
      if (anchor !== undefined && ns !== undefined) {
        if (ns === anchor) anchor = undefined;
        else if (ns > anchor) {
          if (out.length > 0) await ctx.writer.out(Buffer.concat(out));
          throw new AnchorMissing();
        }
      }
      if (resume.shouldSkip(ns)) {
        if (kind === PIECE.first) {
          // Skip its later pieces too, but those of a line cut short last time that were never printed.
          const cut =
            openLong !== undefined && openLong.ns === ns ? openLong.printed : Number.POSITIVE_INFINITY;
          if (cut !== Number.POSITIVE_INFINITY) openLong = undefined;
          long = { timestamp, ns, piece: 1, skipUpTo: cut, printed: 0 };
        }
        continue;
      }
      let safe = ctx.sanitize === undefined ? content : ctx.sanitize(content);
      if (kind === PIECE.first) {
        long = { timestamp, ns, piece: 1, skipUpTo: 0, printed: 1 };
        safe = Buffer.concat([safe, CONTINUED]);
        if (!longNoted) {
          longNoted = true;
          ctx.report(
            `kstern: a line of ${targetName(t)} is longer than --max-line-bytes (${ctx.maxLineBytes} bytes): printed in pieces`,
          );
        }
      }
      const b = ctx.formatter.line({ target: t, timestamp, content: safe });
      // Recorded only once formatted: a line that failed here is fetched again by the resume.
      if (ns !== undefined) {
        resume.record(ns);
        lastNs = ns;
      }
      if (b !== undefined) out.push(b);
    }
    if (out.length > 0) await ctx.writer.out(out.length === 1 ? out[0]! : Buffer.concat(out));
    return out.length;
  }

  /**
   * The stream has been silent while its connection is alive. Silent for a good reason unless the
   * instance has ended (then the stream should have ended too: re-reading ends it) or the container's
   * log has a line newer than the last one printed that the stream has not delivered in a grace period.
   */
  async function checkSilence(s: AbortSignal, w: StreamWatch): Promise<'ok' | 'restart'> {
    const status = ctx.targets.status(t);
    if (status === 'gone') return 'ok'; // the manager closes it after its grace period
    if (status !== 'active') return 'restart';
    const before = w.lastActivity;
    const newest = await newestLine(s);
    if (newest === undefined || (lastNs !== undefined && newest <= lastNs)) return 'ok';
    // The server has a newer line: give the stream a moment to deliver it.
    await sleep(Math.min(2000, Math.max(100, (ctx.stall?.idleMs ?? 30_000) / 4)), s);
    return w.lastActivity === before ? 'restart' : 'ok';
  }

  /** The timestamp of the container's newest log line (one small non-follow request). */
  async function newestLine(s: AbortSignal): Promise<bigint | undefined> {
    const chunks: Buffer[] = [];
    for await (const c of ctx.api.streamLog(
      {
        namespace: t.namespace,
        pod: t.pod,
        container: t.container,
        follow: false,
        timestamps: true,
        tailLines: 1,
        limitBytes: 256,
      },
      s,
    )) {
      chunks.push(c);
    }
    const { timestamp } = splitTimestamp(Buffer.concat(chunks));
    return timestamp === '' ? undefined : parseTimestampNs(timestamp);
  }
}
