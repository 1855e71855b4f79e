import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerStatus } from '../../../src/core/kube-objects.ts';
import { containerNotices, noticeText, waitsToStart } from '../../../src/targets/notices.ts';

const running = (id: string): ContainerStatus => ({ name: 'app', containerID: id, state: { running: {} } });
const waiting = (reason: string, message?: string, last?: ContainerStatus['lastState']): ContainerStatus => ({
  name: 'app',
  state: { waiting: { reason, ...(message === undefined ? {} : { message }) } },
  ...(last ? { lastState: last } : {}),
});
const ended = (id: string, exitCode: number, reason?: string) => ({
  terminated: { containerID: id, exitCode, ...(reason === undefined ? {} : { reason }) },
});
const terminated = (id: string, exitCode: number, reason?: string): ContainerStatus => ({
  name: 'app',
  containerID: id,
  state: ended(id, exitCode, reason),
});
const restarted = (id: string, lastId: string, exitCode: number, reason: string): ContainerStatus => ({
  name: 'app',
  containerID: id,
  state: { running: {} },
  lastState: ended(lastId, exitCode, reason),
});

describe('containerNotices', () => {
  const cases: [string, ContainerStatus | undefined, ContainerStatus, string[]][] = [
    ['first seen running: nothing', undefined, running('c1'), []],
    [
      'first seen waiting with a reason and message',
      undefined,
      waiting('ImagePullBackOff', 'Back-off pulling image "nope:1"'),
      ['waiting: ImagePullBackOff: Back-off pulling image "nope:1"'],
    ],
    ['a starting container is not news', undefined, waiting('ContainerCreating'), []],
    ['nor PodInitializing', running('c0'), waiting('PodInitializing'), []],
    [
      'the same reason again: once per reason',
      waiting('ErrImagePull', 'a'),
      waiting('ErrImagePull', 'b'),
      [],
    ],
    [
      'a reason change',
      waiting('ErrImagePull', 'a'),
      waiting('ImagePullBackOff', 'b'),
      ['waiting: ImagePullBackOff: b'],
    ],
    [
      'a multi-line message is one line',
      undefined,
      waiting('CreateContainerConfigError', 'x\n  y\r\n'),
      ['waiting: CreateContainerConfigError: x y'],
    ],
    [
      'ends while watched',
      running('c1'),
      terminated('c1', 137, 'OOMKilled'),
      ['terminated: exit code 137 (OOMKilled)'],
    ],
    ['ends with 0', running('c1'), terminated('c1', 0, 'Completed'), ['terminated: exit code 0 (Completed)']],
    ['no reason', running('c1'), terminated('c1', 2), ['terminated: exit code 2']],
    ['first seen Completed: not news', undefined, terminated('c1', 0, 'Completed'), []],
    ['first seen failed', undefined, terminated('c1', 1, 'Error'), ['terminated: exit code 1 (Error)']],
    [
      'a crash restart (running → running, new id)',
      running('c1'),
      restarted('c2', 'c1', 1, 'Error'),
      ['terminated: exit code 1 (Error)'],
    ],
    [
      'terminated then CrashLoopBackOff: the end is told once, then the waiting',
      terminated('c1', 1, 'Error'),
      waiting('CrashLoopBackOff', 'back-off 10s restarting failed container', ended('c1', 1, 'Error')),
      ['waiting: CrashLoopBackOff: back-off 10s restarting failed container'],
    ],
    [
      'first seen crash-looping: the last end, then the waiting',
      undefined,
      waiting('CrashLoopBackOff', undefined, ended('c3', 137, 'OOMKilled')),
      ['terminated: exit code 137 (OOMKilled)', 'waiting: CrashLoopBackOff'],
    ],
    ['no change', restarted('c2', 'c1', 1, 'Error'), restarted('c2', 'c1', 1, 'Error'), []],
  ];
  for (const [name, before, now, want] of cases) {
    it(name, () => assert.deepEqual(containerNotices(before, now).map(noticeText), want));
  }
});

describe('waitsToStart', () => {
  it('only a waiting container that never ran', () => {
    assert.equal(waitsToStart(waiting('ImagePullBackOff')), true);
    assert.equal(waitsToStart(waiting('CrashLoopBackOff', undefined, ended('c1', 1))), false);
    assert.equal(waitsToStart(running('c1')), false);
    assert.equal(waitsToStart(terminated('c1', 0)), false);
  });
});
