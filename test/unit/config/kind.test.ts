import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiPathFor, type Kind, parseResourceQuery, selectorFromWorkload } from '../../../src/config/kind.ts';
import { UserError } from '../../../src/util/errors.ts';

const userError = (message: string, exitCode: number) => (e: unknown) =>
  e instanceof UserError && e.message === message && e.exitCode === exitCode;

describe('parseResourceQuery', () => {
  const aliases: [Kind, string[]][] = [
    ['pod', ['pod', 'po', 'pods']],
    ['replicationcontroller', ['replicationcontroller', 'rc', 'replicationcontrollers']],
    ['service', ['service', 'svc', 'services']],
    ['daemonset', ['daemonset', 'ds', 'daemonsets']],
    ['deployment', ['deployment', 'deploy', 'deployments']],
    ['replicaset', ['replicaset', 'rs', 'replicasets']],
    ['statefulset', ['statefulset', 'sts', 'statefulsets']],
    ['job', ['job', 'jobs']],
    ['cronjob', ['cronjob', 'cj', 'cronjobs']],
  ];
  for (const [kind, names] of aliases) {
    for (const n of names) {
      it(`${n}/x → ${kind}`, () => assert.deepEqual(parseResourceQuery(`${n}/x`), { kind, name: 'x' }));
    }
  }

  const other: [string, ReturnType<typeof parseResourceQuery>][] = [
    ['Deployment/web', { kind: 'deployment', name: 'web' }],
    ['SVC/api', { kind: 'service', name: 'api' }],
    ['deploy/Web-1', { kind: 'deployment', name: 'Web-1' }], // the name keeps its case
    ['web-\\w', undefined], // no slash: a pod-name regex
    ['', undefined],
  ];
  for (const [q, want] of other) it(JSON.stringify(q), () => assert.deepEqual(parseResourceQuery(q), want));

  const form = 'resource must be specified in the form "<resource>/<name>"';
  const bad: [string, string][] = [
    ['deploy/a/b', form],
    ['deploy/', form],
    ['/web', form],
    ['/', form],
    ['ingress/web', 'resource type ingress is not supported'],
    ['Build/x', 'resource type Build is not supported'],
    ['deployment.apps/web', 'resource type deployment.apps is not supported'],
  ];
  for (const [q, message] of bad) {
    it(`rejects ${JSON.stringify(q)}`, () =>
      assert.throws(() => parseResourceQuery(q), userError(message, 2)));
  }
});

describe('apiPathFor', () => {
  const cases: [Kind, string][] = [
    ['pod', '/api/v1/namespaces/ns/pods/name'],
    ['replicationcontroller', '/api/v1/namespaces/ns/replicationcontrollers/name'],
    ['service', '/api/v1/namespaces/ns/services/name'],
    ['daemonset', '/apis/apps/v1/namespaces/ns/daemonsets/name'],
    ['deployment', '/apis/apps/v1/namespaces/ns/deployments/name'],
    ['replicaset', '/apis/apps/v1/namespaces/ns/replicasets/name'],
    ['statefulset', '/apis/apps/v1/namespaces/ns/statefulsets/name'],
    ['job', '/apis/batch/v1/namespaces/ns/jobs/name'],
    ['cronjob', '/apis/batch/v1/namespaces/ns/cronjobs/name'],
  ];
  for (const [kind, want] of cases) it(kind, () => assert.equal(apiPathFor(kind, 'ns', 'name'), want));
  it('escapes path segments', () =>
    assert.equal(
      apiPathFor('deployment', 'a b', 'x/y?'),
      '/apis/apps/v1/namespaces/a%20b/deployments/x%2Fy%3F',
    ));
});

describe('selectorFromWorkload', () => {
  const template = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc', extra: 'x' } } };
  const cases: [string, Exclude<Kind, 'pod'>, unknown, string][] = [
    [
      'deployment matchLabels, not the template labels',
      'deployment',
      { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template } },
      'app=web',
    ],
    [
      'matchLabels sorted by key',
      'statefulset',
      { spec: { selector: { matchLabels: { tier: 'db', app: 'pg' } } } },
      'app=pg,tier=db',
    ],
    [
      'every operator, sorted by key, values sorted',
      'daemonset',
      {
        spec: {
          selector: {
            matchLabels: { b: '1' },
            matchExpressions: [
              { key: 'env', operator: 'In', values: ['prod', 'dev'] },
              { key: 'a', operator: 'NotIn', values: ['x'] },
              { key: 'c', operator: 'Exists' },
              { key: 'canary', operator: 'DoesNotExist' },
            ],
          },
        },
      },
      'a notin (x),b=1,c,!canary,env in (dev,prod)',
    ],
    [
      'a job selects its own pods by controller uid',
      'job',
      { spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } }, template } },
      'batch.kubernetes.io/controller-uid=u-1',
    ],
    ['replicaset', 'replicaset', { spec: { selector: { matchLabels: { app: 'web' } } } }, 'app=web'],
    [
      'service: a plain map',
      'service',
      { spec: { selector: { app: 'api', tier: 'be' } } },
      'app=api,tier=be',
    ],
    ['rc: a plain map', 'replicationcontroller', { spec: { selector: { app: 'old' }, template } }, 'app=old'],
    [
      'cronjob: the job template selector when set',
      'cronjob',
      { spec: { jobTemplate: { spec: { selector: { matchLabels: { job: 'n' } }, template } } } },
      'job=n',
    ],
    [
      'cronjob: else the job template pod labels',
      'cronjob',
      { spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'cron' } } } } } } },
      'app=cron',
    ],
  ];
  for (const [name, kind, obj, want] of cases)
    it(name, () => assert.equal(selectorFromWorkload(kind, obj), want));

  const empty: [Exclude<Kind, 'pod'>, unknown][] = [
    ['deployment', { metadata: { name: 'web' }, spec: { selector: {}, template } }],
    ['deployment', { metadata: { name: 'web' }, spec: { template } }],
    ['service', { metadata: { name: 'web' }, spec: {} }],
    ['service', { metadata: { name: 'web' }, spec: { selector: {} } }],
    ['cronjob', { metadata: { name: 'web' }, spec: { jobTemplate: { spec: {} } } }],
  ];
  for (const [kind, obj] of empty) {
    it(`${kind} with nothing to select`, () =>
      assert.throws(
        () => selectorFromWorkload(kind, obj),
        userError(`resource ${kind}/web has no labels to select`, 1),
      ));
  }
  it('an unknown operator is an error', () =>
    assert.throws(
      () =>
        selectorFromWorkload('deployment', {
          metadata: { name: 'w' },
          spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } },
        }),
      userError('resource deployment/w has a selector operator kstern does not know: Gt', 1),
    ));
});
