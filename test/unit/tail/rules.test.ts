// The tail's rules (src/tail/rules.ts), one row per rule: what follows an attempt, given how it ended,
// what the watch says about the target and, where asked, what a GET of the pod says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeError } from '../../../src/kube/api.ts';
import {
  AnchorMissing,
  type Facts,
  nextStep,
  type Outcome,
  type RetryState,
  StallError,
  type Step,
  type TailRules,
} from '../../../src/tail/rules.ts';

const follow: TailRules = {
  follow: true,
  maxAttemptsNoFollow: 5,
  backoff: { initialMs: 100, maxMs: 1000 },
  healthyMs: 5000,
  random: () => 1, // the top of the jitter range: delays are exact
};
const noFollow: TailRules = { ...follow, follow: false };

const reset = new KubeError('stream reset', { status: 0 });
const forbidden = new KubeError('pods "p" is forbidden', { status: 403 });
const throttled = new KubeError('Too many requests', { status: 429, retryAfterSeconds: 7 });
const serverError = new KubeError('internal error', { status: 500 });

function outcome(o: Partial<Outcome>): Outcome {
  return {
    mode: 'first',
    failure: undefined,
    recheck: false,
    anchorPending: false,
    printed: 0,
    elapsedMs: 10,
    ...o,
  };
}

interface Row {
  name: string;
  state?: RetryState;
  o: Partial<Outcome>;
  f: Facts;
  rules?: TailRules;
  step: Step;
  attempt?: number;
  report?: { text: string; severity: 'error' | 'warning' };
}

const retry = (
  mode: 'resume' | 'trust' | 'previous',
  delayMs: number,
  budget = false,
  endIfGone = false,
): Step => ({
  kind: 'retry',
  mode,
  delayMs,
  budget,
  endIfGone,
});
const end = (flush: boolean, result: 'ok' | 'failed' = 'ok'): Step => ({ kind: 'end', flush, result });

const rows: Row[] = [
  // The end of a stream.
  {
    name: 'clean end, container terminated: end, print the unterminated last line',
    o: {},
    f: { status: 'terminated' },
    step: end(true),
  },
  {
    name: 'clean end without --follow: end, flush',
    o: {},
    f: { status: 'terminated' },
    rules: noFollow,
    step: end(true),
  },
  {
    name: 'clean end while the container runs (proxy idle timeout): resume',
    o: { printed: 3 },
    f: { status: 'active' },
    step: retry('resume', 100, false, true),
    attempt: 1,
  },
  {
    name: 'failure, pod gone: end without the cut-short line',
    o: { failure: reset },
    f: { status: 'gone' },
    step: end(false),
  },
  { name: 'clean end, pod gone: end, flush', o: {}, f: { status: 'gone' }, step: end(true) },
  // Resets and backoff.
  {
    name: 'reset while active: resume silently after the first backoff',
    o: { failure: reset },
    f: { status: 'active' },
    step: retry('resume', 100, false, true),
    attempt: 1,
  },
  {
    name: 'consecutive failures double the delay and queue for the shared budget',
    state: { attempt: 3, lastReport: '' },
    o: { failure: reset },
    f: { status: 'active' },
    step: retry('resume', 800, true, true),
    attempt: 4,
  },
  {
    name: 'the delay is capped',
    state: { attempt: 20, lastReport: '' },
    o: { failure: reset },
    f: { status: 'active' },
    step: retry('resume', 1000, true, true),
    attempt: 21,
  },
  {
    name: 'a stream that printed a line was healthy: the backoff starts over',
    state: { attempt: 6, lastReport: '' },
    o: { failure: reset, printed: 1 },
    f: { status: 'active' },
    step: retry('resume', 100, false, true),
    attempt: 1,
  },
  {
    name: 'a stream open for healthyMs was healthy too, even without lines',
    state: { attempt: 6, lastReport: '' },
    o: { failure: reset, elapsedMs: 5000 },
    f: { status: 'active' },
    step: retry('resume', 100, false, true),
    attempt: 1,
  },
  {
    name: 'Retry-After wins over a shorter backoff',
    o: { failure: throttled },
    f: { status: 'active' },
    step: retry('resume', 7000, false, true),
    attempt: 1,
    report: { text: 'failed to tail ns/p/c: Too many requests, will retry', severity: 'warning' },
  },
  // Reports.
  {
    name: 'a noteworthy error is reported once with "will retry"',
    o: { failure: serverError },
    f: { status: 'active' },
    step: retry('resume', 100, false, true),
    attempt: 1,
    report: { text: 'failed to tail ns/p/c: internal error, will retry', severity: 'warning' },
  },
  {
    name: 'the same error again is not reported again',
    state: { attempt: 1, lastReport: 'internal error' },
    o: { failure: serverError },
    f: { status: 'active' },
    step: retry('resume', 200, true, true),
    attempt: 2,
  },
  {
    name: 'a stall is reported',
    o: { failure: new StallError('no data for 30s') },
    f: { status: 'active' },
    step: retry('resume', 100, false, true),
    attempt: 1,
    report: {
      text: 'failed to tail ns/p/c: the log stream stalled (no data for 30s), will retry',
      severity: 'warning',
    },
  },
  // Without --follow.
  {
    name: 'no-follow: a 403 fails the target at once',
    o: { failure: forbidden },
    f: { status: 'terminated' },
    rules: noFollow,
    step: end(false, 'failed'),
    report: { text: 'failed to tail ns/p/c: pods "p" is forbidden', severity: 'error' },
  },
  {
    name: 'no-follow: a reset is retried',
    state: { attempt: 2, lastReport: '' },
    o: { failure: reset },
    f: { status: 'terminated' },
    rules: noFollow,
    step: retry('resume', 400, true, false),
    attempt: 3,
  },
  {
    name: 'no-follow: the last attempt fails the target and says why',
    state: { attempt: 4, lastReport: '' },
    o: { failure: reset },
    f: { status: 'terminated' },
    rules: noFollow,
    step: end(false, 'failed'),
    attempt: 4,
    report: { text: 'failed to tail ns/p/c: stream reset', severity: 'error' },
  },
  // Restarts.
  {
    name: 'broke, container restarted: ask the pod first',
    o: { failure: reset },
    f: { status: 'replaced' },
    step: { kind: 'locate' },
  },
  {
    name: 'broke, restarted, ours is the previous instance: drain it with previous=true',
    o: { failure: reset },
    f: { status: 'replaced', where: 'previous' },
    step: retry('previous', 0),
  },
  {
    name: 'broke, restarted, an older instance: end',
    o: { failure: reset },
    f: { status: 'replaced', where: 'lost' },
    step: end(false),
  },
  {
    name: 'broke, restarted, the watch was early (still current): resume',
    o: { failure: reset },
    f: { status: 'replaced', where: 'current' },
    step: retry('resume', 100, false, true),
    attempt: 1,
  },
  {
    name: 'a previous-instance read is one attempt: end, flush',
    o: { mode: 'previous' },
    f: { status: 'replaced' },
    step: end(true),
  },
  {
    name: 'a previous-instance read that failed: end without flush',
    o: { mode: 'previous', failure: reset },
    f: { status: 'replaced' },
    step: end(false),
  },
  // Anchors.
  {
    name: 'a resume without its anchor: ask the pod',
    o: { mode: 'resume', failure: new AnchorMissing() },
    f: { status: 'active' },
    step: { kind: 'locate' },
  },
  {
    name: 'anchor missing, still our instance (rotated log): trust the next resume',
    o: { mode: 'resume', failure: new AnchorMissing() },
    f: { status: 'active', where: 'current' },
    step: retry('trust', 0),
  },
  {
    name: 'anchor missing, another instance read: drain ours with previous=true',
    o: { mode: 'resume', failure: new AnchorMissing() },
    f: { status: 'active', where: 'previous' },
    step: retry('previous', 0),
  },
  {
    name: 'anchor missing, ours is gone: end',
    o: { mode: 'resume', failure: new AnchorMissing() },
    f: { status: 'active', where: 'lost' },
    step: end(false),
  },
  {
    name: 'anchor missing, the pod GET failed: back off and resume',
    o: { mode: 'resume', failure: new AnchorMissing() },
    f: { status: 'active', where: 'unknown' },
    step: retry('resume', 100),
    attempt: 1,
  },
  {
    name: 'clean end with the anchor still pending: ask the pod',
    o: { mode: 'resume', anchorPending: true },
    f: { status: 'active' },
    step: { kind: 'locate' },
  },
  {
    name: 'clean end, anchor pending, still ours and terminated: end, flush',
    o: { mode: 'resume', anchorPending: true },
    f: { status: 'terminated', where: 'current' },
    step: end(true),
  },
  {
    name: 'recheck (the container changed while the anchor was pending), still ours: resume at once',
    o: { mode: 'resume', recheck: true },
    f: { status: 'active', where: 'current' },
    step: retry('resume', 0),
  },
];

describe('nextStep: what follows a read attempt', () => {
  for (const r of rows) {
    it(r.name, () => {
      const state = r.state ?? { attempt: 0, lastReport: '' };
      const d = nextStep(state, outcome(r.o), r.f, r.rules ?? follow, 'ns/p/c');
      assert.deepEqual(d.step, r.step);
      assert.equal(d.state.attempt, r.attempt ?? state.attempt);
      assert.deepEqual(d.report, r.report);
    });
  }
});
