import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, PodCondition } from '../../../src/core/kube-objects.ts';
import { type Condition, conditionMatches, parseCondition } from '../../../src/targets/condition.ts';
import { UserError } from '../../../src/util/errors.ts';

const NAMES =
  "condition should be one of 'ContainersReady', 'Initialized', 'Ready', 'PodScheduled', 'DisruptionTarget', 'PodReadyToStartContainers'";
const VALUES = "condition value should be one of 'True', 'False', 'Unknown'";

describe('parseCondition (stern TestNewCondition and more)', () => {
  const ok: [string, Condition][] = [
    ['Ready', { type: 'Ready', value: 'True' }],
    ['ready=true', { type: 'Ready', value: 'True' }],
    ['Ready=False', { type: 'Ready', value: 'False' }],
    ['ready=Unknown', { type: 'Ready', value: 'Unknown' }],
    ['READY=FALSE', { type: 'Ready', value: 'False' }],
    ['containersready', { type: 'ContainersReady', value: 'True' }],
    ['Initialized=false', { type: 'Initialized', value: 'False' }],
    ['podscheduled', { type: 'PodScheduled', value: 'True' }],
    ['disruptiontarget=true', { type: 'DisruptionTarget', value: 'True' }],
    ['PodReadyToStartContainers=unknown', { type: 'PodReadyToStartContainers', value: 'Unknown' }],
  ];
  for (const [input, want] of ok) it(input, () => assert.deepEqual(parseCondition(input), want));

  const bad: [string, string][] = [
    ['beautiful', NAMES],
    ['', NAMES],
    ['=true', NAMES],
    ['ready=NotYet', VALUES],
    ['ready=', VALUES],
    ['ready=true=false', VALUES],
    ['beautiful=NotYet', NAMES], // the name is checked first
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () =>
      assert.throws(
        () => parseCondition(input),
        (e: unknown) => e instanceof UserError && e.exitCode === 2 && e.message === message,
      ));
  }
});

describe('conditionMatches (stern TestConditionMatch and more)', () => {
  const pod = (conditions?: PodCondition[]): Pod => ({
    metadata: { name: 'p' },
    status: conditions ? { conditions } : {},
  });
  const readyTrue: Condition = { type: 'Ready', value: 'True' };
  const cases: [string, Condition, Pod, boolean][] = [
    ['same status', readyTrue, pod([{ type: 'Ready', status: 'True' }]), true],
    ['other status', readyTrue, pod([{ type: 'Ready', status: 'False' }]), false],
    ['other condition only', readyTrue, pod([{ type: 'Initialized', status: 'False' }]), false],
    ['no conditions', readyTrue, pod(), false],
    ['no status at all', readyTrue, { metadata: { name: 'p' } }, false],
    [
      'wanted False, among others',
      { type: 'Ready', value: 'False' },
      pod([
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'False' },
      ]),
      true,
    ],
    [
      'the first of that type decides',
      readyTrue,
      pod([
        { type: 'Ready', status: 'False' },
        { type: 'Ready', status: 'True' },
      ]),
      false,
    ],
    ['Unknown', { type: 'Ready', value: 'Unknown' }, pod([{ type: 'Ready', status: 'Unknown' }]), true],
  ];
  for (const [name, c, p, want] of cases) it(name, () => assert.equal(conditionMatches(p, c), want));
});
