import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../src/core/kube-objects.ts';
import { jobState, podFailed, type UntilFacts, untilVerdict } from '../../../src/targets/until.ts';

const pod = (name: string, phase: string, exits: Record<string, number | undefined> = {}): Pod => ({
  metadata: { name },
  status: {
    phase,
    containerStatuses: Object.entries(exits).map(([c, code]) => ({
      name: c,
      state: code === undefined ? { running: {} } : { terminated: { exitCode: code } },
    })),
  },
});
const all = () => true;

describe('jobState', () => {
  const cases: [string, Parameters<typeof jobState>[0], string][] = [
    ['no status', {}, 'running'],
    ['active', { status: { conditions: [] } }, 'running'],
    ['Complete', { status: { conditions: [{ type: 'Complete', status: 'True' }] } }, 'complete'],
    [
      'SuccessCriteriaMet',
      { status: { conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] } },
      'complete',
    ],
    ['Failed', { status: { conditions: [{ type: 'Failed', status: 'True' }] } }, 'failed'],
    ['FailureTarget', { status: { conditions: [{ type: 'FailureTarget', status: 'True' }] } }, 'failed'],
    ['a False condition', { status: { conditions: [{ type: 'Complete', status: 'False' }] } }, 'running'],
    ['Suspended', { status: { conditions: [{ type: 'Suspended', status: 'True' }] } }, 'running'],
  ];
  for (const [name, job, want] of cases) it(name, () => assert.equal(jobState(job), want));
});

describe('untilVerdict', () => {
  const base: UntilFacts = { synced: true, pods: [], seen: 0 };
  const cases: [string, Partial<UntilFacts>, ReturnType<typeof untilVerdict>][] = [
    ['not synced yet', { synced: false, pods: [pod('a', 'Succeeded')], seen: 1 }, { over: false }],
    ['no pod yet', {}, { over: false }],
    ['one running', { pods: [pod('a', 'Running', { app: undefined })], seen: 1 }, { over: false }],
    [
      'all succeeded',
      { pods: [pod('a', 'Succeeded', { app: 0 }), pod('b', 'Succeeded', { app: 0 })], seen: 2 },
      { over: true, failed: false },
    ],
    [
      'one failed',
      { pods: [pod('a', 'Succeeded', { app: 0 }), pod('b', 'Failed', { app: 2 })], seen: 2 },
      { over: true, failed: true },
    ],
    [
      'one over, one running',
      { pods: [pod('a', 'Failed', { app: 1 }), pod('b', 'Running', { app: undefined })], seen: 2 },
      { over: false },
    ],
    [
      'a Job still running, its pod failed (a retry comes)',
      { pods: [pod('a', 'Failed', { app: 1 })], seen: 1, job: { state: 'running', podsFinished: 1 } },
      { over: false },
    ],
    [
      'a Job complete after a retry',
      {
        pods: [pod('a', 'Failed', { app: 1 }), pod('b', 'Succeeded', { app: 0 })],
        seen: 2,
        job: { state: 'complete', podsFinished: 2 },
      },
      { over: true, failed: false },
    ],
    [
      'a Job complete, its last pod not seen yet',
      { pods: [pod('a', 'Failed', { app: 1 })], seen: 1, job: { state: 'complete', podsFinished: 2 } },
      { over: false },
    ],
    [
      'a Job complete, its pod not over yet in the watch',
      {
        pods: [pod('a', 'Running', { app: undefined })],
        seen: 1,
        job: { state: 'complete', podsFinished: 1 },
      },
      { over: false },
    ],
    [
      'a Job failed',
      { pods: [pod('a', 'Failed', { app: 1 })], seen: 1, job: { state: 'failed', podsFinished: 1 } },
      { over: true, failed: true },
    ],
    [
      'a Job complete whose pods were deleted',
      { pods: [], seen: 1, job: { state: 'complete', podsFinished: 1 } },
      { over: true, failed: false },
    ],
  ];
  for (const [name, f, want] of cases)
    it(name, () => assert.deepEqual(untilVerdict({ ...base, ...f }, all), want));
});

describe('podFailed', () => {
  it('phase Failed, or a selected container with a non-zero exit code', () => {
    assert.equal(podFailed(pod('a', 'Failed'), all), true);
    assert.equal(podFailed(pod('a', 'Succeeded', { app: 0, side: 0 }), all), false);
    assert.equal(podFailed(pod('a', 'Running', { app: 0, side: 137 }), all), true);
    assert.equal(
      podFailed(pod('a', 'Running', { app: 0, side: 137 }), (c) => c === 'app'),
      false,
    );
  });
});
