// The seam's checks of what the server sent: tables of malformed pods and watch events, and properties
// over arbitrary JSON (nothing but a KubeError ever escapes, and what passes is safe to use above).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Status } from '../../../src/core/kube-objects.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { decodeWatchEvent, isPod, podProblem } from '../../../src/kube/decode.ts';
import { errorFromResponse, statusError } from '../../../src/kube/status.ts';
import { parseWatchLine } from '../../../src/kube/transport.ts';
import { conditionMatches } from '../../../src/targets/condition.ts';
import { TargetSet } from '../../../src/targets/select.ts';

describe('podProblem', () => {
  const ok = { metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { a: 'b' } } };
  const cases: [string, unknown, string | undefined][] = [
    ['a minimal pod', { metadata: { name: 'p' } }, undefined],
    ['a pod with null labels', { metadata: { name: 'p', labels: null } }, undefined],
    [
      'a full pod',
      {
        ...ok,
        spec: { nodeName: 'n', containers: [{ name: 'c' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              name: 'c',
              containerID: 'x',
              restartCount: 1,
              state: { running: {} },
              lastState: { terminated: { containerID: 'y', exitCode: 0 } },
            },
          ],
        },
      },
      undefined,
    ],
    ['null', null, 'not an object: null'],
    ['a list', [ok], 'not an object: a list'],
    ['a string', 'pod', 'not an object: string'],
    ['no metadata', { spec: {} }, 'no metadata'],
    ['metadata null', { metadata: null }, 'no metadata'],
    ['no name', { metadata: {} }, 'no metadata.name'],
    ['empty name', { metadata: { name: '' } }, 'no metadata.name'],
    ['a number for a name', { metadata: { name: 7 } }, 'no metadata.name'],
    ['uid not a string', { metadata: { name: 'p', uid: 5 } }, 'pod "p": metadata.uid is not a string'],
    [
      'labels with a number',
      { metadata: { name: 'p', labels: { a: 1 } } },
      'pod "p": metadata.labels is not a map of strings',
    ],
    ['spec a string', { metadata: { name: 'p' }, spec: 's' }, 'pod "p": spec is not an object'],
    [
      'containers not a list',
      { metadata: { name: 'p' }, spec: { containers: {} } },
      'pod "p": spec.containers is not a list of named containers',
    ],
    ['status null', { metadata: { name: 'p' }, status: null }, 'pod "p": status is not an object'],
    [
      'conditions with null',
      { metadata: { name: 'p' }, status: { conditions: [null] } },
      'pod "p": status.conditions is not a list of conditions',
    ],
    [
      'containerStatuses a number',
      { metadata: { name: 'p' }, status: { containerStatuses: 7 } },
      'pod "p": status.containerStatuses is not a list of container statuses',
    ],
    [
      'a status without a name',
      { metadata: { name: 'p' }, status: { initContainerStatuses: [{}] } },
      'pod "p": status.initContainerStatuses is not a list of container statuses',
    ],
    [
      'state a string',
      { metadata: { name: 'p' }, status: { containerStatuses: [{ name: 'c', state: 'running' }] } },
      'pod "p": status.containerStatuses is not a list of container statuses',
    ],
    [
      'terminated.containerID a number',
      {
        metadata: { name: 'p' },
        status: { containerStatuses: [{ name: 'c', lastState: { terminated: { containerID: 1 } } }] },
      },
      'pod "p": status.containerStatuses is not a list of container statuses',
    ],
  ];
  for (const [name, v, want] of cases) it(name, () => assert.equal(podProblem(v), want));
});

describe('decodeWatchEvent', () => {
  const cases: [string, { type: string; object: unknown }, unknown][] = [
    [
      'ADDED pod',
      { type: 'ADDED', object: { metadata: { name: 'p' } } },
      { type: 'ADDED', object: { metadata: { name: 'p' } } },
    ],
    ['ADDED null', { type: 'ADDED', object: null }, { skip: 'ADDED not an object: null' }],
    [
      'BOOKMARK',
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '5' } } },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '5' } } },
    ],
    [
      'BOOKMARK without rv',
      { type: 'BOOKMARK', object: { metadata: {} } },
      { skip: 'BOOKMARK without metadata.resourceVersion' },
    ],
    [
      'ERROR with a Status',
      { type: 'ERROR', object: { kind: 'Status', code: 410 } },
      { type: 'ERROR', object: { kind: 'Status', code: 410 } },
    ],
    ['ERROR with null', { type: 'ERROR', object: null }, { type: 'ERROR', object: { kind: 'Status' } }],
    ['an unknown type', { type: 'X', object: {} }, { skip: 'unknown event type "X"' }],
  ];
  for (const [name, v, want] of cases) it(name, () => assert.deepEqual(decodeWatchEvent(v), want));
});

const anything = fc.jsonValue({ maxDepth: 3 });
/** Pod-shaped values whose leaves are anything: valid pods are common, so are near misses. */
const podish = fc.record(
  {
    metadata: fc.oneof(
      anything,
      fc.record(
        {
          name: fc.oneof(fc.string({ minLength: 1 }), anything),
          uid: fc.oneof(fc.string(), anything),
          labels: fc.oneof(fc.dictionary(fc.string(), fc.string()), anything),
        },
        { requiredKeys: ['name'] },
      ),
    ),
    spec: fc.oneof(
      anything,
      fc.record(
        { containers: fc.oneof(anything, fc.array(fc.record({ name: fc.string() }))) },
        { requiredKeys: [] },
      ),
    ),
    status: fc.oneof(
      anything,
      fc.record(
        {
          conditions: fc.oneof(anything, fc.array(fc.record({ type: fc.string(), status: fc.string() }))),
          containerStatuses: fc.oneof(
            anything,
            fc.array(
              fc.record(
                {
                  name: fc.string(),
                  containerID: fc.oneof(fc.string(), anything),
                  state: anything,
                  lastState: anything,
                },
                { requiredKeys: ['name'] },
              ),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

const all = { test: () => true };
const nothing = { test: () => false };

describe('decoding arbitrary JSON', () => {
  it('a pod that passes is safe for the target set and --condition', () => {
    fc.assert(
      fc.property(podish, (v) => {
        if (!isPod(v)) return;
        const set = new TargetSet(
          { query: all, excludePod: [nothing] },
          {
            container: all,
            excludeContainer: [nothing],
            initContainers: true,
            ephemeralContainers: true,
            states: new Set(),
          },
        );
        set.visit(v);
        set.forget(v);
        conditionMatches(v, { type: 'Ready', value: 'True' });
      }),
      { numRuns: 150 },
    );
  });

  it('parseWatchLine throws nothing but a KubeError', () => {
    const line = fc.oneof(
      fc.string(),
      anything.map((v) => JSON.stringify(v)),
      fc
        .record({
          type: fc.oneof(fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'), fc.string()),
          object: fc.oneof(podish, anything),
        })
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(line, (l) => {
        try {
          const ev = parseWatchLine(l, 'u');
          if (ev?.type === 'ERROR') assert.ok(statusError(ev.object) instanceof KubeError);
        } catch (e) {
          assert.ok(e instanceof KubeError, String(e));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an error body of any JSON or text gives a KubeError with an HTTP status and a finite Retry-After', () => {
    const body = fc.oneof(
      fc.string(),
      anything.map((v) => JSON.stringify(v)),
      fc
        .record({
          kind: fc.constant('Status'),
          code: anything,
          message: anything,
          reason: anything,
          details: anything,
        })
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 400, max: 599 }),
        body,
        fc.option(fc.string()),
        (status, b, retryAfter) => {
          const e = errorFromResponse(status, b, retryAfter === null ? {} : { retryAfter });
          assert.ok(e instanceof KubeError);
          assert.ok(Number.isInteger(e.status) && e.status >= 100 && e.status <= 599, `status ${e.status}`);
          assert.equal(typeof e.message, 'string');
          if (e.retryAfterSeconds !== undefined)
            assert.ok(Number.isFinite(e.retryAfterSeconds) && e.retryAfterSeconds >= 0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('statusError of a Status with odd fields', () => {
    const s = (o: object) => ({ kind: 'Status', ...o }) as Status;
    assert.equal(statusError(s({ code: Number.POSITIVE_INFINITY }), 503).status, 503);
    assert.equal(statusError(s({ code: 4.5 }), 500).status, 500);
    assert.equal(statusError(s({ code: 42 }), 502).status, 502);
    assert.equal(statusError(s({ details: { retryAfterSeconds: -3 } })).retryAfterSeconds, undefined);
    assert.equal(
      statusError(s({ details: { retryAfterSeconds: Number.POSITIVE_INFINITY } })).retryAfterSeconds,
      2147483,
    );
    assert.equal(statusError(s({ details: { retryAfterSeconds: 7 } })).retryAfterSeconds, 7);
  });
});
