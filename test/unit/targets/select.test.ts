import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerState, ContainerStatus, Pod } from '../../../src/core/kube-objects.ts';
import type { ContainerStateName } from '../../../src/core/model.ts';
import { chooseContainerId, containerState, podMatches, TargetSet } from '../../../src/targets/select.ts';
import type { ContainerFilter, PodFilter } from '../../../src/targets/types.ts';

const running: ContainerState = { running: {} };
const waiting: ContainerState = { waiting: { reason: 'CrashLoopBackOff' } };
const terminatedWith = (id: string): ContainerState => ({ terminated: { exitCode: 0, containerID: id } });
const last: ContainerState = terminatedWith('last');

describe('chooseContainerId (stern TestChooseContainerID)', () => {
  const cases: { name: string; s: ContainerStatus; want: string }[] = [
    {
      name: 'running',
      s: { name: 'c', containerID: 'current', lastState: last, state: running },
      want: 'current',
    },
    { name: 'running (empty)', s: { name: 'c', lastState: last, state: running }, want: '' },
    {
      name: 'terminated (current terminated container)',
      s: { name: 'c', containerID: 'current', lastState: last, state: terminatedWith('terminated') },
      want: 'terminated',
    },
    {
      name: 'terminated (last terminated container)',
      s: { name: 'c', containerID: 'current', lastState: last, state: { terminated: { exitCode: 1 } } },
      want: 'last',
    },
    { name: 'terminated (empty)', s: { name: 'c', state: { terminated: { exitCode: 1 } } }, want: '' },
    {
      name: 'waiting',
      s: { name: 'c', containerID: 'current', lastState: last, state: waiting },
      want: 'last',
    },
    { name: 'waiting (empty)', s: { name: 'c', containerID: 'current', state: waiting }, want: '' },
    {
      name: 'no current state with last state',
      s: { name: 'c', containerID: 'current', lastState: last },
      want: 'last',
    },
    { name: 'empty state', s: { name: 'c' }, want: '' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(chooseContainerId(c.s), c.want));
  }
});

describe('containerState', () => {
  const cases: { s: ContainerStatus; want: ContainerStateName | undefined }[] = [
    { s: { name: 'c', state: running }, want: 'running' },
    { s: { name: 'c', state: waiting }, want: 'waiting' },
    { s: { name: 'c', state: terminatedWith('x') }, want: 'terminated' },
    { s: { name: 'c', state: {} }, want: undefined },
    { s: { name: 'c' }, want: undefined },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.s.state)} → ${c.want}`, () => assert.equal(containerState(c.s), c.want));
  }
});

describe('podMatches', () => {
  const pod = (name: string): Pod => ({ metadata: { name, namespace: 'ns1' } });
  const cases: { name: string; f: PodFilter; pod: string; want: boolean }[] = [
    { name: 'empty query matches all', f: { query: /(?:)/, excludePod: [] }, pod: 'anything', want: true },
    {
      name: 'unanchored substring',
      f: { query: /web-\w/, excludePod: [] },
      pod: 'my-web-backend',
      want: true,
    },
    { name: 'no match', f: { query: /^api/, excludePod: [] }, pod: 'web-1', want: false },
    { name: 'excluded', f: { query: /web/, excludePod: [/canary/, /-2$/] }, pod: 'web-2', want: false },
    { name: 'exclude not matching', f: { query: /web/, excludePod: [/canary/] }, pod: 'web-2', want: true },
    { name: 'global regex is not stateful', f: { query: /web/g, excludePod: [] }, pod: 'web', want: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(podMatches(pod(c.pod), c.f), c.want);
      assert.equal(podMatches(pod(c.pod), c.f), c.want, 'same answer twice');
    });
  }
});

// --- TargetSet ---

const all: PodFilter = { query: /(?:)/, excludePod: [] };
function cf(over: Partial<ContainerFilter> = {}): ContainerFilter {
  return {
    container: /(?:)/,
    excludeContainer: [],
    initContainers: true,
    ephemeralContainers: true,
    states: new Set(),
    ...over,
  };
}
function mkPod(
  name: string,
  uid: string,
  statuses: {
    init?: ContainerStatus[];
    regular?: ContainerStatus[];
    ephemeral?: ContainerStatus[];
  },
  extra: Partial<Pod['metadata']> = {},
): Pod {
  return {
    metadata: { name, namespace: 'ns1', uid, ...extra },
    spec: { nodeName: 'node1' },
    status: {
      initContainerStatuses: statuses.init,
      containerStatuses: statuses.regular,
      ephemeralContainerStatuses: statuses.ephemeral,
    },
  };
}
const run = (name: string, id: string): ContainerStatus => ({ name, containerID: id, state: running });
const term = (name: string, id: string): ContainerStatus => ({ name, state: terminatedWith(id) });
const crash = (name: string, lastId: string): ContainerStatus => ({
  name,
  state: waiting,
  lastState: terminatedWith(lastId),
});
const keysOf = (ts: { key: string; containerId: string }[]) => ts.map((t) => `${t.key}@${t.containerId}`);

// stern TestTargetFilter's pod: one running, one terminated, one crash-looping container of each kind.
function sternPod(name: string): Pod {
  return mkPod(name, `uid-${name}`, {
    init: [
      run('init-container1-running', 'i1'),
      term('init-container2-terminated', 'i2'),
      crash('init-container3-waiting', 'i3'),
    ],
    regular: [
      run('container1-running', 'c1'),
      term('container2-terminated', 'c2'),
      crash('container3-waiting', 'c3'),
    ],
    ephemeral: [
      run('ephemeral-container1-running', 'e1'),
      term('ephemeral-container2-terminated', 'e2'),
      crash('ephemeral-container3-waiting', 'e3'),
    ],
  });
}

describe('TargetSet.visit filtering (stern TestTargetFilter)', () => {
  const names = (...n: string[]) => n;
  const allNames = names(
    'init-container1-running',
    'init-container2-terminated',
    'init-container3-waiting',
    'container1-running',
    'container2-terminated',
    'container3-waiting',
    'ephemeral-container1-running',
    'ephemeral-container2-terminated',
    'ephemeral-container3-waiting',
  );
  const cases: { name: string; pf?: PodFilter; cf: ContainerFilter; want: string[] }[] = [
    {
      name: 'match all',
      cf: cf(),
      want: [...allNames.map((n) => `pod1/${n}`), ...allNames.map((n) => `pod2/${n}`)],
    },
    {
      name: 'all three states listed = all',
      cf: cf({ states: new Set<ContainerStateName>(['running', 'waiting', 'terminated']) }),
      want: [...allNames.map((n) => `pod1/${n}`), ...allNames.map((n) => `pod2/${n}`)],
    },
    { name: 'pod query', pf: { query: /not-matched/, excludePod: [] }, cf: cf(), want: [] },
    {
      name: 'exclude pod',
      pf: { query: /(?:)/, excludePod: [/pod1/] },
      cf: cf(),
      want: allNames.map((n) => `pod2/${n}`),
    },
    {
      name: 'multiple exclude pod',
      pf: { query: /(?:)/, excludePod: [/not-matched/, /pod2/] },
      cf: cf(),
      want: allNames.map((n) => `pod1/${n}`),
    },
    {
      name: 'container filter',
      cf: cf({ container: /container1/ }),
      want: ['pod1', 'pod2'].flatMap((p) =>
        ['init-container1-running', 'container1-running', 'ephemeral-container1-running'].map(
          (n) => `${p}/${n}`,
        ),
      ),
    },
    {
      name: 'multiple exclude container',
      cf: cf({ excludeContainer: [/container1/, /^init-container2/] }),
      want: ['pod1', 'pod2'].flatMap((p) =>
        [
          'init-container3-waiting',
          'container2-terminated',
          'container3-waiting',
          'ephemeral-container2-terminated',
          'ephemeral-container3-waiting',
        ].map((n) => `${p}/${n}`),
      ),
    },
    {
      name: 'no init containers',
      cf: cf({ initContainers: false }),
      want: ['pod1', 'pod2'].flatMap((p) =>
        allNames.filter((n) => !n.startsWith('init')).map((n) => `${p}/${n}`),
      ),
    },
    {
      name: 'no ephemeral containers',
      cf: cf({ ephemeralContainers: false }),
      want: ['pod1', 'pod2'].flatMap((p) =>
        allNames.filter((n) => !n.startsWith('ephemeral')).map((n) => `${p}/${n}`),
      ),
    },
    {
      name: 'running only',
      cf: cf({ states: new Set<ContainerStateName>(['running']) }),
      want: ['pod1', 'pod2'].flatMap((p) =>
        ['init-container1-running', 'container1-running', 'ephemeral-container1-running'].map(
          (n) => `${p}/${n}`,
        ),
      ),
    },
    {
      name: 'waiting only (CrashLoopBackOff tails its last instance)',
      cf: cf({ states: new Set<ContainerStateName>(['waiting']) }),
      want: ['pod1', 'pod2'].flatMap((p) =>
        ['init-container3-waiting', 'container3-waiting', 'ephemeral-container3-waiting'].map(
          (n) => `${p}/${n}`,
        ),
      ),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const set = new TargetSet(c.pf ?? all, c.cf);
      const got = [...set.visit(sternPod('pod1')), ...set.visit(sternPod('pod2'))].map(
        (t) => `${t.pod}/${t.container}`,
      );
      assert.deepStrictEqual(got, c.want);
    });
  }

  it('fills every Target field', () => {
    const set = new TargetSet(all, cf({ container: /^(init-container1|container3|ephemeral-container2)/ }));
    const pod = sternPod('pod1');
    const got = set.visit(pod);
    assert.deepStrictEqual(
      got.map((t) => ({ ...t, podObject: t.podObject === pod })),
      [
        {
          key: 'ns1/pod1/init-container1-running',
          namespace: 'ns1',
          pod: 'pod1',
          podUid: 'uid-pod1',
          container: 'init-container1-running',
          kind: 'init',
          containerId: 'i1',
          podObject: true,
        },
        {
          key: 'ns1/pod1/container3-waiting',
          namespace: 'ns1',
          pod: 'pod1',
          podUid: 'uid-pod1',
          container: 'container3-waiting',
          kind: 'regular',
          containerId: 'c3',
          podObject: true,
        },
        {
          key: 'ns1/pod1/ephemeral-container2-terminated',
          namespace: 'ns1',
          pod: 'pod1',
          podUid: 'uid-pod1',
          container: 'ephemeral-container2-terminated',
          kind: 'ephemeral',
          containerId: 'e2',
          podObject: true,
        },
      ],
    );
  });
});

describe('TargetSet.visit sequences (stern TestTargetFilterShouldAdd and beyond)', () => {
  type Step = { visit: Pod; want: string[] } | { forget: Pod } | { targets: string[] };
  const p = (uid: string, ...regular: ContainerStatus[]) => mkPod('pod1', uid, { regular });
  const cases: { name: string; filter?: ContainerFilter; steps: Step[] }[] = [
    {
      name: 'stern shouldAdd sequence',
      steps: [
        { visit: p('uid1', { name: 'c1' }), want: [] }, // empty state: nothing to fetch
        { visit: p('uid1', run('c1', 'cid1')), want: ['ns1/pod1/c1@cid1'] },
        { visit: p('uid1', run('c1', 'cid1')), want: [] }, // same id
        { visit: p('uid1', run('c1', 'cid2')), want: ['ns1/pod1/c1@cid2'] }, // restart
        { forget: p('uid1') },
        { visit: p('uid1', run('c1', 'cid2')), want: ['ns1/pod1/c1@cid2'] }, // forget re-adds
      ],
    },
    {
      name: 'state filter applies to the first sighting only',
      filter: cf({ states: new Set<ContainerStateName>(['running']) }),
      steps: [
        { visit: p('uid1', term('c1', 'cid1')), want: [] },
        { visit: p('uid1', term('c1', 'cid1')), want: [] },
        { targets: [] },
        { visit: p('uid1', { name: 'c1', state: waiting, lastState: terminatedWith('cid1') }), want: [] },
        { visit: p('uid1', run('c1', 'cid2')), want: ['ns1/pod1/c1@cid2'] },
        { visit: p('uid1', term('c1', 'cid2')), want: [] },
        { visit: p('uid1', { name: 'c1', state: waiting, lastState: terminatedWith('cid2') }), want: [] },
        { visit: p('uid1', term('c1', 'cid3')), want: ['ns1/pod1/c1@cid3'] }, // restarted and ended between events
      ],
    },
    {
      name: 'a container first seen without id is tailed when it gets one, whatever its state',
      filter: cf({ states: new Set<ContainerStateName>(['running']) }),
      steps: [
        { visit: p('uid1', { name: 'c1', state: { waiting: { reason: 'ContainerCreating' } } }), want: [] },
        { visit: p('uid1', term('c1', 'cid1')), want: ['ns1/pod1/c1@cid1'] },
      ],
    },
    {
      name: 'pod re-created under the same name without a DELETE seen',
      steps: [
        { visit: p('uid1', run('c1', 'cid1')), want: ['ns1/pod1/c1@cid1'] },
        { visit: p('uid2', run('c1', 'cid9')), want: ['ns1/pod1/c1@cid9'] },
        { targets: ['ns1/pod1/c1@cid9'] },
      ],
    },
    {
      name: 'a re-created pod is new even if its container id repeats (identity is uid + id)',
      steps: [
        { visit: p('uid1', run('c1', 'cid1')), want: ['ns1/pod1/c1@cid1'] },
        { visit: p('uid2', run('c1', 'cid1')), want: ['ns1/pod1/c1@cid1'] },
        { visit: p('uid2', run('c1', 'cid1')), want: [] },
      ],
    },
    {
      name: 'forget of an older uid does not forget the re-created pod',
      steps: [
        { visit: p('uid1', run('c1', 'cid1')), want: ['ns1/pod1/c1@cid1'] },
        { visit: p('uid2', run('c1', 'cid2')), want: ['ns1/pod1/c1@cid2'] },
        { forget: p('uid1') },
        { targets: ['ns1/pod1/c1@cid2'] },
        { visit: p('uid2', run('c1', 'cid2')), want: [] },
      ],
    },
    {
      name: 'terminating pod (deletionTimestamp) is visited normally',
      steps: [
        {
          visit: mkPod(
            'pod1',
            'uid1',
            { regular: [run('c1', 'cid1')] },
            { deletionTimestamp: '2024-01-01T00:00:00Z' },
          ),
          want: ['ns1/pod1/c1@cid1'],
        },
      ],
    },
    {
      name: 'several containers, some restarting',
      steps: [
        { visit: p('uid1', run('a', 'a1'), run('b', 'b1')), want: ['ns1/pod1/a@a1', 'ns1/pod1/b@b1'] },
        { visit: p('uid1', run('a', 'a1'), crash('b', 'b1')), want: [] },
        { visit: p('uid1', run('a', 'a1'), run('b', 'b2')), want: ['ns1/pod1/b@b2'] },
        { targets: ['ns1/pod1/a@a1', 'ns1/pod1/b@b2'] },
        { forget: p('uid1') },
        { targets: [] },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const set = new TargetSet(all, c.filter ?? cf());
      for (const [i, step] of c.steps.entries()) {
        if ('visit' in step) assert.deepStrictEqual(keysOf(set.visit(step.visit)), step.want, `step ${i}`);
        else if ('forget' in step) set.forget(step.forget);
        else {
          assert.deepStrictEqual(keysOf(set.targets()), step.targets, `step ${i}`);
          assert.equal(set.size, step.targets.length, `step ${i} size`);
        }
      }
    });
  }
});

describe('TargetSet.status', () => {
  const p = (uid: string, ...regular: ContainerStatus[]) => mkPod('pod1', uid, { regular });
  type Case = { name: string; after: (set: TargetSet) => void; want: ReturnType<TargetSet['status']> };
  const cases: Case[] = [
    { name: 'still running', after: (s) => s.visit(p('uid1', run('c1', 'cid1'))), want: 'active' },
    { name: 'no newer event', after: () => {}, want: 'active' },
    { name: 'terminated', after: (s) => s.visit(p('uid1', term('c1', 'cid1'))), want: 'terminated' },
    {
      name: 'crash-looping on this instance',
      after: (s) => s.visit(p('uid1', crash('c1', 'cid1'))),
      want: 'terminated',
    },
    { name: 'restarted', after: (s) => s.visit(p('uid1', run('c1', 'cid2'))), want: 'replaced' },
    {
      name: 'crash-looping on a newer instance',
      after: (s) => s.visit(p('uid1', crash('c1', 'cid2'))),
      want: 'replaced',
    },
    { name: 'pod deleted', after: (s) => s.forget(p('uid1')), want: 'gone' },
    { name: 'pod re-created', after: (s) => s.visit(p('uid2', run('c1', 'cid1'))), want: 'gone' },
    {
      name: 'pod re-created, not yet started',
      after: (s) => s.visit(p('uid2', { name: 'c1' })),
      want: 'gone',
    },
    {
      name: 'deleted then re-created and forgotten again',
      after: (s) => {
        s.forget(p('uid1'));
        s.visit(p('uid2', run('c1', 'cid5')));
        s.forget(p('uid2'));
      },
      want: 'gone',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const set = new TargetSet(all, cf());
      const [t] = set.visit(p('uid1', run('c1', 'cid1')));
      assert.ok(t);
      c.after(set);
      assert.equal(set.status(t), c.want);
    });
  }

  it('a target from another set with an unknown key is gone', () => {
    const a = new TargetSet(all, cf());
    const [t] = a.visit(p('uid1', run('c1', 'cid1')));
    assert.ok(t);
    assert.equal(new TargetSet(all, cf()).status(t), 'gone');
  });
});
