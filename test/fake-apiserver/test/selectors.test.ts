// Label/field selector parsing and matching (table-driven).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../selectors.ts';

const labels = { app: 'web', tier: 'front', version: '3' };

for (const [sel, want] of [
  ['', true],
  ['app=web', true],
  ['app = web', true],
  ['app==web', true],
  ['app!=web', false],
  ['app!=db', true],
  ['missing!=x', true],
  ['app in (web, db)', true],
  ['app notin (web)', false],
  ['missing notin (web)', true],
  ['tier', true],
  ['!tier', false],
  ['!missing', true],
  ['app=web,tier=back', false],
  ['version>2', true],
  ['version<2', false],
  ['example.com/app', false],
  ['app=', false],
] as const) {
  test(`label selector ${JSON.stringify(sel)} -> ${want}`, () => {
    assert.equal(matchLabels(parseLabelSelector(sel), labels), want);
  });
}

for (const bad of [
  'app in (a',
  'app=a b',
  '=x',
  'app=web!',
  '!app=x',
  'app in ()',
  'a,,b',
  'app>x',
  '-bad=1',
]) {
  test(`label selector ${JSON.stringify(bad)} is rejected`, () => {
    assert.throws(() => parseLabelSelector(bad), SelectorError);
  });
}

test('field selectors', () => {
  const f = { 'metadata.name': 'a,b', 'status.phase': 'Running' };
  assert.ok(matchFields(parseFieldSelector('metadata.name=a\\,b', ['metadata.name']), f));
  assert.ok(matchFields(parseFieldSelector('status.phase!=Pending', ['status.phase']), f));
  assert.ok(!matchFields(parseFieldSelector('status.phase==Pending', ['status.phase']), f));
  assert.throws(() => parseFieldSelector('spec.x=1', ['status.phase']), /field label not supported: spec.x/);
  assert.throws(() => parseFieldSelector('nonsense', ['status.phase']), /invalid selector/);
});
