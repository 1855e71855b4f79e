import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanMs, nothingMatchedLine, type Search } from '../../src/outcome.ts';

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
    [
      'a pod query',
      { looked: 1 },
      'kstern: no pod matched query "web", in namespace "shop" (1 pod looked at)',
    ],
    [
      'selectors, several namespaces, one missing',
      {
        labelSelector: 'app=x',
        fieldSelector: 'spec.nodeName=n1',
        namespaces: ['a', 'b'],
        missingNamespaces: ['b'],
        looked: 7,
      },
      'kstern: no pod matched query "web", label selector "app=x", field selector "spec.nodeName=n1", in namespaces "a", "b" (no such namespace) (7 pods looked at)',
    ],
    [
      'only a selector, all namespaces',
      { query: undefined, labelSelector: 'app=x', namespaces: [undefined] },
      'kstern: no pod matched label selector "app=x", in all namespaces (0 pods looked at)',
    ],
    [
      'a workload, after --wait',
      { query: 'job/e2e', workloadSelectors: ['job-name=e2e'], waitedMs: 90_000 },
      'kstern: no pod matched query "job/e2e" (pods with labels "job-name=e2e"), in namespace "shop" after waiting 1m30s (0 pods looked at)',
    ],
    [
      'a missing namespace',
      { namespaces: ['typo-ns'], missingNamespaces: ['typo-ns'] },
      'kstern: no pod matched query "web", in namespace "typo-ns" (no such namespace) (0 pods looked at)',
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
