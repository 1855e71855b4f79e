// One target's tail: a follow stream of one container instance, resumed exactly once after any
// interruption while the container still runs, ended for good only when the container instance
// terminated, was replaced (restart) or its pod is gone.
import { type KubeApi, KubeError, type LogOptions } from '../kube/api.ts';
import type { Formatter } from '../output/format.ts';
import type { Writer } from '../output/writer.ts';
import type { TargetSet } from '../targets/select.ts';
import type { Target } from '../targets/types.ts';
import { type Backoff, backoffDelay, sleep } from '../util/sleep.ts';
import { LineSplitter } from './lines.ts';
import { ResumePoint } from './resume.ts';
import { parseTimestampNs, splitTimestamp } from './timestamp.ts';

export interface TailContext {
  api: KubeApi;
  writer: Writer;
  formatter: Formatter;
  targets: Pick<TargetSet, 'status'>;
  onlyLogLines: boolean;
  follow: boolean;
  /** First-request options (--since / --tail); a resume uses sinceTime instead. */
  sinceSeconds: number | undefined;
  tailLines: number | undefined;
  backoff: Backoff;
  random: () => number;
  /** A diagnostic line for stderr. */
  report: (line: string) => void;
}

export function targetName(t: Target): string {
  return `${t.namespace}/${t.pod}/${t.container}`;
}

/** Whether an error from opening or reading a log stream is worth telling the user about. */
function isNoteworthy(e: unknown): boolean {
  if (!(e instanceof KubeError)) return true;
  // 0 = connection reset / GOAWAY mid-stream: resumed silently. 404 = the pod is being deleted.
  return e.status !== 0 && e.status !== 404;
}

/** Tails `t` until it ends for good or `signal` aborts. Never throws. */
export async function tailTarget(t: Target, ctx: TailContext, signal: AbortSignal): Promise<void> {
  if (!ctx.onlyLogLines) await ctx.writer.err(ctx.formatter.attach(t));
  const resume = new ResumePoint();
  let attempt = 0;
  let lastReport = '';
  let resuming = false;
  while (!signal.aborted) {
    const opts: LogOptions = {
      namespace: t.namespace,
      pod: t.pod,
      container: t.container,
      follow: ctx.follow,
      timestamps: true,
    };
    const since = resuming ? resume.sinceTime() : undefined;
    if (since !== undefined) {
      opts.sinceTime = since;
    } else {
      if (ctx.sinceSeconds !== undefined) opts.sinceSeconds = ctx.sinceSeconds;
      if (ctx.tailLines !== undefined) opts.tailLines = ctx.tailLines;
    }
    const splitter = new LineSplitter();
    let gotData = false;
    let failure: unknown;
    try {
      for await (const chunk of ctx.api.streamLog(opts, signal)) {
        gotData = true;
        const lines = splitter.push(chunk);
        if (lines.length > 0) await emit(lines);
      }
    } catch (e) {
      failure = e;
    }
    if (signal.aborted) break;
    const status = ctx.follow ? ctx.targets.status(t) : 'terminated';
    if (failure === undefined && status !== 'active') {
      // The stream ended for good: a last line without a newline is still a line.
      const rest = splitter.end();
      if (rest.length > 0) await emit(rest);
      break;
    }
    // Otherwise an unterminated tail is a line cut short: the resume fetches it again in full.
    if (status === 'gone' || status === 'replaced') break;
    if (status === 'terminated' && failure === undefined) break;
    if (failure !== undefined && isNoteworthy(failure)) {
      const msg = failure instanceof Error ? failure.message : String(failure);
      if (msg !== lastReport) ctx.report(`failed to tail ${targetName(t)}: ${msg}, will retry`);
      lastReport = msg;
    }
    if (gotData) attempt = 0;
    const retryAfter = failure instanceof KubeError ? failure.retryAfterSeconds : undefined;
    const delay = Math.max(backoffDelay(attempt++, ctx.backoff, ctx.random), (retryAfter ?? 0) * 1000);
    await sleep(delay, signal);
    resuming = true;
    resume.beginResume();
  }
  if (!ctx.onlyLogLines) await ctx.writer.err(ctx.formatter.detach(t));

  async function emit(lines: Buffer[]): Promise<void> {
    const out: Buffer[] = [];
    for (const raw of lines) {
      const { timestamp, content } = splitTimestamp(raw);
      const ns = timestamp === '' ? undefined : parseTimestampNs(timestamp);
      if (resume.shouldSkip(ns)) continue;
      if (ns !== undefined) resume.record(ns);
      out.push(ctx.formatter.line({ target: t, timestamp, content }));
    }
    if (out.length > 0) await ctx.writer.out(out.length === 1 ? out[0]! : Buffer.concat(out));
  }
}
