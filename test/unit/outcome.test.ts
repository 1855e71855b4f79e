import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExitSeen, humanMs, nothingMatchedLine, type Search, summaryLine } from '../../src/outcome.ts';

const base: Search = {
  query: 'web',
  workloadSelectors: [],
  namespaces: ['shop'],
  missingNamespaces: [],
  labelSelector: undefined,
  fieldSelector: undefined,
  looked: 0,
};

describe('nothingMatchedLine', () => {
  const cases: [string, Partial<Search>, string][] = [
    ['a pod query', { looked: 1 }, 'no pod matched query "web", in namespace "shop" (1 pod looked at)'],
    [
      'selectors, several namespaces, one missing',
      {
        labelSelector: 'app=x',
        fieldSelector: 'spec.nodeName=n1',
        namespaces: ['a', 'b'],
        missingNamespaces: ['b'],
        looked: 7,
      },
      'no pod matched query "web", label selector "app=x", field selector "spec.nodeName=n1", in namespaces "a", "b" (no such namespace) (7 pods looked at)',
    ],
    [
      'only a selector, all namespaces',
      { query: undefined, labelSelector: 'app=x', namespaces: [undefined] },
      'no pod matched label selector "app=x", in all namespaces (0 pods looked at)',
    ],
    [
      'a workload, after --wait',
      { query: 'job/e2e', workloadSelectors: ['job-name=e2e'], waitedMs: 90_000 },
      'no pod matched query "job/e2e" (pods with labels "job-name=e2e"), in namespace "shop" after waiting 1m30s (0 pods looked at)',
    ],
    [
      'a missing namespace',
      { namespaces: ['typo-ns'], missingNamespaces: ['typo-ns'] },
      'no pod matched query "web", in namespace "typo-ns" (no such namespace) (0 pods looked at)',
    ],
  ];
  for (const [name, over, want] of cases) {
    it(name, () => assert.equal(nothingMatchedLine({ ...base, ...over }), want));
  }
});

describe('humanMs', () => {
  for (const [ms, want] of [
    [500, '500ms'],
    [1500, '1500ms'],
    [1000, '1s'],
    [60_000, '1m'],
    [125_000, '2m5s'],
  ] as const) {
    it(`${ms} → ${want}`, () => assert.equal(humanMs(ms), want));
  }
});

describe('summaryLine', () => {
  const exit = (pod: string, exitCode: number): ExitSeen => ({ pod, container: 'app', exitCode });
  const cases: [string, Parameters<typeof summaryLine>[0], string][] = [
    [
      'nothing ended',
      { containers: 1, lines: 1, failedStreams: 0, exits: [] },
      '1 container, 1 line, 0 failed streams',
    ],
    [
      'exit codes listed',
      { containers: 2, lines: 40, failedStreams: 1, exits: [exit('a', 0), exit('b', 137)] },
      '2 containers, 40 lines, 1 failed stream; exit codes: a/app 0, b/app 137',
    ],
    [
      'containers waiting to start (--no-follow)',
      { containers: 0, lines: 0, failedStreams: 0, waitingToStart: 2, exits: [] },
      '0 containers, 0 lines, 0 failed streams, 2 waiting to start',
    ],
    [
      'a Job',
      { containers: 1, lines: 3, failedStreams: 0, exits: [exit('j-1', 1)], job: 'job/e2e failed' },
      '1 container, 3 lines, 0 failed streams; exit codes: j-1/app 1; job/e2e failed',
    ],
    [
      'many: counted by code, the non-zero ones named',
      {
        containers: 10,
        lines: 0,
        failedStreams: 0,
        exits: [...Array.from({ length: 9 }, (_, i) => exit(`p${i}`, 0)), exit('bad', 2)],
      },
      '10 containers, 0 lines, 0 failed streams; exit codes: 0 ×9, 2 ×1 (non-zero: bad/app 2)',
    ],
  ];
  for (const [name, s, want] of cases) it(name, () => assert.equal(summaryLine(s), want));
});
