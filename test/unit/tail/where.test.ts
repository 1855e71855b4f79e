// Where a tail's container instance stands in a fresh copy of its pod (tailer.ts whereIn): the answer
// that decides between resuming, draining the previous instance and ending.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../src/core/kube-objects.ts';
import type { Target } from '../../../src/core/model.ts';
import { whereIn } from '../../../src/tail/tailer.ts';

const T = {
  namespace: 'ns',
  pod: 'p',
  podUid: 'u1',
  container: 'c',
  containerId: 'containerd://a',
} as Target;

function pod(o: { uid?: string; current?: string; previous?: string; name?: string }): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', ...(o.uid === undefined ? {} : { uid: o.uid }) },
    status: {
      containerStatuses: [
        {
          name: o.name ?? 'c',
          ready: true,
          restartCount: 0,
          image: 'i',
          ...(o.current === undefined ? {} : { containerID: o.current }),
          state: { running: {} },
          ...(o.previous === undefined
            ? {}
            : { lastState: { terminated: { exitCode: 1, containerID: o.previous } } }),
        },
      ],
    },
  } as Pod;
}

describe('whereIn', () => {
  const rows: [name: string, p: Pod, want: string][] = [
    ['still the current instance', pod({ uid: 'u1', current: 'containerd://a' }), 'current'],
    [
      'restarted: ours is the last terminated one',
      pod({ uid: 'u1', current: 'containerd://b', previous: 'containerd://a' }),
      'previous',
    ],
    [
      'restarted twice: ours is older than the last terminated one',
      pod({ uid: 'u1', current: 'containerd://c', previous: 'containerd://b' }),
      'lost',
    ],
    ['the pod was re-created under the same name', pod({ uid: 'u2', current: 'containerd://a' }), 'lost'],
    [
      'the container is gone from the pod',
      pod({ uid: 'u1', current: 'containerd://a', name: 'other' }),
      'lost',
    ],
  ];
  for (const [name, p, want] of rows) it(name, () => assert.equal(whereIn(p, T), want));
});
