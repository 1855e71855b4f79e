// The rules of one tail, as a pure function: after each read attempt of a container's log, what next?
// End (and whether a last unterminated line is printed), look up the instance first, or retry — when,
// and reading what. tailer.ts runs the I/O around it; the rules are table-tested (test/unit/tail/rules.test.ts).
//
// - Any end of the stream (clean EOF from a proxy or idle timeout, reset, GOAWAY, server restart, a stall)
//   while the instance still runs is resumed with sinceTime = the second of the last printed line; the
//   emitter drops the lines of that second already printed.
// - A resume must find its anchor (the last printed line, re-sent because sinceTime is rounded down) before
//   printing anything newer: the API serves the *current* instance's log, and the watch may not have told
//   us yet that the container restarted. A missing anchor means another instance or a rotated log: the pod
//   is fetched ('locate') to tell. Still ours: print without the anchor ('trust'). Its previous instance:
//   read the rest with previous=true. Gone: end.
// - A stream that broke and whose container restarted meanwhile is drained with previous=true when it is
//   the pod's last terminated instance.
// - Retries back off exponentially with jitter, at least Retry-After; a stream that printed a line or
//   stayed open `healthyMs` resets the backoff. Consecutive failures also wait for the reconnect budget
//   shared by all tails. Without --follow, a target fails after `maxAttemptsNoFollow` attempts or at once
//   on an error retrying cannot fix.
import { KubeError } from '../kube/api.ts';
import type { TargetStatus } from '../targets/select.ts';
import { type Backoff, backoffDelay } from '../util/backoff.ts';
import { errorMessage } from '../util/errors.ts';
import type { Severity } from '../util/messages.ts';

/** What a request reads: the first read, a resume (anchor expected), a trusted resume, or the previous instance. */
export type ReadMode = 'first' | 'resume' | 'trust' | 'previous';

/** Where the instance a tail reads stands, from a fresh GET of its pod. */
export type Where = 'current' | 'previous' | 'lost' | 'unknown';

export type TailResult = 'ok' | 'failed';

/** A resumed stream whose first new line came without the last printed one before it. */
export class AnchorMissing extends Error {
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

export interface TailRules {
  follow: boolean;
  /** Without --follow, how many attempts a target gets before it counts as failed. */
  maxAttemptsNoFollow: number;
  backoff: Backoff;
  /** A stream that stayed open this long counts as healthy: the backoff starts over. */
  healthyMs: number;
  random: () => number;
}

/** What one read attempt came to. */
export interface Outcome {
  mode: ReadMode;
  /** Why the stream ended; undefined for a clean end (EOF). */
  failure: unknown;
  /** The attempt was stopped to look again (its container changed while its anchor was still pending). */
  recheck: boolean;
  /** A resume that ended (cleanly) without its anchor coming back. */
  anchorPending: boolean;
  /** Lines printed by the attempt. */
  printed: number;
  elapsedMs: number;
}

/** What the tail knows when it decides: the target's status from the watch, and the pod GET if made. */
export interface Facts {
  status: TargetStatus;
  where?: Where;
}

export interface RetryState {
  /** Consecutive failed attempts (the backoff exponent). */
  attempt: number;
  /** The last failure reported, so that a repeated one is not reported again. */
  lastReport: string;
}

export type Step =
  /** GET the pod to learn `where`, then decide again. */
  | { kind: 'locate' }
  /** Stop; `flush`: print the last line even without its newline (the stream ended for good). */
  | { kind: 'end'; flush: boolean; result: TailResult }
  /**
   * Read again after `delayMs` (then a token of the shared budget when `budget`); `endIfGone`: after the
   * wait, end instead when the watch says the pod is gone.
   */
  | { kind: 'retry'; mode: Exclude<ReadMode, 'first'>; delayMs: number; budget: boolean; endIfGone: boolean };

export interface Decision {
  step: Step;
  state: RetryState;
  /** A message for stderr, if the failure is worth telling: an error when the tail gives up, else a warning. */
  report?: { text: string; severity: Severity };
}

/** Whether an error from opening or reading a log stream is worth telling the user about. */
export function isNoteworthy(e: unknown): boolean {
  if (!(e instanceof KubeError)) return true;
  // 0 = connection reset / GOAWAY mid-stream: resumed silently. 404 = the pod is being deleted.
  return e.status !== 0 && e.status !== 404;
}

/** An error that retrying cannot fix (without --follow the target fails at once). */
export function isPermanent(e: unknown): boolean {
  if (!(e instanceof KubeError)) return false;
  return e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 408 && e.status !== 429;
}

/** The step after an attempt. `name` is the target as messages show it (`ns/pod/container`). */
export function nextStep(s: RetryState, o: Outcome, f: Facts, r: TailRules, name: string): Decision {
  const keep = (step: Step): Decision => ({ step, state: s });
  const now = (mode: Exclude<ReadMode, 'first'>, state = s): Decision => ({
    step: { kind: 'retry', mode, delayMs: 0, budget: state.attempt > 1, endIfGone: false },
    state,
  });

  // One attempt reads a previous instance: its log is complete (that instance has ended).
  if (o.mode === 'previous') return keep({ kind: 'end', flush: o.failure === undefined, result: 'ok' });

  const anchorMissing = o.failure instanceof AnchorMissing || o.recheck;
  if (anchorMissing || (o.failure === undefined && o.anchorPending)) {
    if (f.where === undefined) return keep({ kind: 'locate' });
    if (f.where === 'lost') return keep({ kind: 'end', flush: false, result: 'ok' });
    if (f.where === 'previous') return now('previous');
    if (f.where === 'unknown') {
      const state = { ...s, attempt: s.attempt + 1 };
      return {
        step: {
          kind: 'retry',
          mode: 'resume',
          delayMs: backoffDelay(s.attempt, r.backoff, r.random),
          budget: state.attempt > 1,
          endIfGone: false,
        },
        state,
      };
    }
    // Still our instance: its older lines were rotated away. Print what it has from now on.
    if (o.recheck) return now('resume');
    if (anchorMissing) return now('trust');
    // A clean end without the anchor, on our instance: an ordinary end of stream (below).
  }

  const failure = anchorMissing ? new AnchorMissing() : o.failure;
  // The stream ended for good: a last line without a newline is still a line.
  if (failure === undefined && f.status !== 'active') return keep({ kind: 'end', flush: true, result: 'ok' });
  // Otherwise an unterminated tail is a line cut short: the resume fetches it again in full.
  if (f.status === 'gone') return keep({ kind: 'end', flush: false, result: 'ok' });
  if (f.status === 'replaced') {
    // The stream broke and the container restarted since: finish this instance from its previous log.
    if (f.where === undefined) return keep({ kind: 'locate' });
    if (f.where === 'previous') return now('previous');
    if (f.where !== 'current') return keep({ kind: 'end', flush: false, result: 'ok' });
  }

  let attempt = o.printed > 0 || o.elapsedMs >= r.healthyMs ? 0 : s.attempt;
  const giveUp = !r.follow && (attempt + 1 >= r.maxAttemptsNoFollow || isPermanent(failure));
  let report: Decision['report'];
  let lastReport = s.lastReport;
  if (failure !== undefined && (isNoteworthy(failure) || giveUp)) {
    const msg = errorMessage(failure);
    if (giveUp) report = { text: `failed to tail ${name}: ${msg}`, severity: 'error' };
    else if (msg !== lastReport)
      report = { text: `failed to tail ${name}: ${msg}, will retry`, severity: 'warning' };
    lastReport = msg;
  }
  if (giveUp) {
    return {
      step: { kind: 'end', flush: false, result: 'failed' },
      state: { attempt, lastReport },
      ...(report === undefined ? {} : { report }),
    };
  }
  const retryAfter = failure instanceof KubeError ? failure.retryAfterSeconds : undefined;
  const delayMs = backoffDelay(attempt, r.backoff, r.random, retryAfter);
  attempt++;
  return {
    step: { kind: 'retry', mode: 'resume', delayMs, budget: attempt > 1, endIfGone: r.follow },
    state: { attempt, lastReport },
    ...(report === undefined ? {} : { report }),
  };
}
