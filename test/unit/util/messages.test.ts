import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageLine, type Severity } from '../../../src/util/messages.ts';

describe('messageLine: every stderr message starts with "kstern: ", then the severity word for errors and warnings', () => {
  const cases: { severity: Severity | undefined; text: string; want: string }[] = [
    {
      severity: 'error',
      text: 'invalid value "soon" for --wait: time: invalid duration "soon"',
      want: 'kstern: error: invalid value "soon" for --wait: time: invalid duration "soon"',
    },
    {
      severity: 'warning',
      text: 'failed to tail ns/p/c: Too many requests, will retry',
      want: 'kstern: warning: failed to tail ns/p/c: Too many requests, will retry',
    },
    {
      severity: 'note',
      text: '1 container, 2 lines, 0 failed streams',
      want: 'kstern: 1 container, 2 lines, 0 failed streams',
    },
    {
      severity: undefined,
      text: 'reconnected to https://k8s:6443 after 4s',
      want: 'kstern: reconnected to https://k8s:6443 after 4s',
    },
    {
      severity: 'warning',
      text: 'context "a": failed to watch pods in namespace b: forbidden, will retry',
      want: 'kstern: warning: context "a": failed to watch pods in namespace b: forbidden, will retry',
    },
  ];
  for (const c of cases) {
    it(`${c.severity ?? 'no severity (a note)'}: ${c.text}`, () =>
      assert.equal(c.severity === undefined ? messageLine(c.text) : messageLine(c.text, c.severity), c.want));
  }
});
