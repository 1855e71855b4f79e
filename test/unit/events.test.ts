import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventWatch, eventsPath, eventView, type KubeEvent, occurrence } from '../../src/events.ts';
import { type KubeApi, KubeError } from '../../src/kube/api.ts';
import { eventText } from '../../src/output/format.ts';
import { eventJSONLine } from '../../src/output/json-formats.ts';

const ev: KubeEvent = {
  metadata: { uid: 'u1', namespace: 'ci', name: 'web-1.abc' },
  involvedObject: { kind: 'Pod', name: 'web-1', uid: 'p1', namespace: 'ci' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container app in pod web-1\n',
  count: 3,
  firstTimestamp: '2026-12-02T03:00:00Z',
  lastTimestamp: '2026-12-02T03:05:00Z',
};

describe('events', () => {
  it('an occurrence is the uid and the count (a repeat is a new occurrence)', () => {
    assert.equal(occurrence(ev), 'u1/3');
    assert.equal(occurrence({ ...ev, count: 4 }), 'u1/4');
    assert.equal(occurrence({ ...ev, count: undefined, series: { count: 7 } }), 'u1/7');
    assert.equal(occurrence({ metadata: { name: 'n' } }), 'n/1');
  });

  it('the view: pod, type, reason, one-line message, last time', () => {
    assert.deepEqual(eventView(ev), {
      namespace: 'ci',
      pod: 'web-1',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container app in pod web-1',
      count: 3,
      time: '2026-12-02T03:05:00Z',
    });
    assert.equal(eventView({ ...ev, type: undefined, lastTimestamp: null, eventTime: 'E' }).time, 'E');
    assert.equal(eventView({ ...ev, type: undefined }).type, 'Normal');
  });

  it('lists with field selectors on involvedObject (and type=Warning)', () => {
    assert.equal(
      eventsPath('ci', 'warning'),
      '/api/v1/namespaces/ci/events?fieldSelector=involvedObject.kind%3DPod%2Ctype%3DWarning',
    );
    assert.equal(eventsPath(undefined, 'all'), '/api/v1/events?fieldSelector=involvedObject.kind%3DPod');
  });

  it('is printed in its own shape: default, raw, namespace, JSON', () => {
    const v = eventView(ev);
    const style = { level: 0 as const, showNamespace: false };
    assert.equal(
      eventText(style, v, false),
      'web-1 [event] Warning BackOff: Back-off restarting failed container app in pod web-1\n',
    );
    assert.equal(
      eventText({ ...style, showNamespace: true }, v, false),
      'ci web-1 [event] Warning BackOff: Back-off restarting failed container app in pod web-1\n',
    );
    assert.equal(
      eventText(style, v, true),
      '[event] Warning BackOff: Back-off restarting failed container app in pod web-1\n',
    );
    assert.equal(
      eventJSONLine(v),
      '{"event":{"type":"Warning","reason":"BackOff","message":"Back-off restarting failed container app in pod web-1","count":3,"time":"2026-12-02T03:05:00Z"},"namespace":"ci","podName":"web-1"}\n',
    );
  });
});

describe('events that cannot be listed', () => {
  it('are a warning naming the namespace, said once per message, and the run goes on', async () => {
    const failures: unknown[] = [
      new KubeError('events is forbidden: User "ci" cannot list resource "events" in the namespace "ci"', {
        status: 403,
      }),
      'not an Error',
    ];
    const api = { getJSON: async () => Promise.reject(failures[0]) } as unknown as KubeApi;
    const said: [string, string | undefined][] = [];
    const watch = new EventWatch({
      api,
      signal: new AbortController().signal,
      namespaces: ['ci', undefined],
      wanted: 'warning',
      isTailed: () => true,
      print: async () => {},
      report: (text, severity) => said.push([text, severity]),
    });
    await watch.poll();
    await watch.poll();
    failures[0] = failures[1];
    await watch.poll();
    assert.deepEqual(said, [
      [
        'cannot list the events of namespace ci: events is forbidden: User "ci" cannot list resource "events" in the namespace "ci"',
        'warning',
      ],
      [
        'cannot list the events of all namespaces: events is forbidden: User "ci" cannot list resource "events" in the namespace "ci"',
        'warning',
      ],
      ['cannot list the events of namespace ci: not an Error', 'warning'],
      ['cannot list the events of all namespaces: not an Error', 'warning'],
    ]);
  });
});
