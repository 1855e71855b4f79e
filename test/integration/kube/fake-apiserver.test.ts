// The transport and the pod watcher against the fake API server (the real wire protocol).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { type PodEvent, watchPods } from '../../../src/kube/pod-watcher.ts';
import { createKubeApi, type HttpKubeApi, type TransportOptions } from '../../../src/kube/transport.ts';
import {
  type FakeApiServer,
  type FakeApiServerOptions,
  startFakeApiServer,
} from '../../fake-apiserver/index.ts';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(
  o: FakeApiServerOptions = {},
  t: TransportOptions = {},
  k: { token?: string } = {},
): Promise<{ fake: FakeApiServer; api: HttpKubeApi }> {
  const fake = await startFakeApiServer(o);
  cleanups.push(() => fake.close());
  const file = await fake.writeKubeconfig({ namespace: 'ns', token: k.token });
  const kube = await resolveKubeconfig({ kubeconfigFlag: file, env: {}, homeDir: '/nonexistent' });
  const api = await createKubeApi(kube, t);
  cleanups.push(() => api.close());
  return { fake, api };
}

const logOpts = (pod: string, container = 'c') => ({
  namespace: 'ns',
  pod,
  container,
  follow: true,
  timestamps: true,
});

async function rejects(p: Promise<unknown>): Promise<KubeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KubeError, `expected a KubeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a KubeError');
}

/** Reads a stream until `pred(all text so far)` holds. */
async function readUntil(it: AsyncIterator<Buffer>, pred: (text: string) => boolean): Promise<string> {
  let text = '';
  while (!pred(text)) {
    const r = await it.next();
    if (r.done) throw new Error(`stream ended early: ${JSON.stringify(text)}`);
    text += r.value.toString();
  }
  return text;
}

/** Collects watcher events; `next(pred)` waits for the first (new) event matching. */
function collect(it: AsyncIterable<PodEvent>) {
  const events: PodEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const pump = (async () => {
    for await (const ev of it) {
      events.push(ev);
      wake?.();
    }
    done = true;
    wake?.();
  })();
  let seen = 0;
  return {
    events,
    pump,
    async next(pred: (e: PodEvent) => boolean, what: string, timeoutMs = 5000): Promise<PodEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (; seen < events.length; seen++) {
          const e = events[seen]!;
          if (pred(e)) {
            seen++;
            return e;
          }
        }
        if (done) throw new Error(`watcher ended while waiting for ${what}`);
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.map(brief))}`);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, left);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
    },
  };
}

function brief(e: PodEvent): string {
  if (e.type === 'upsert' || e.type === 'delete')
    return `${e.type} ${e.pod.metadata.namespace}/${e.pod.metadata.name}`;
  if (e.type === 'synced') return `synced ${e.namespace}`;
  if (e.type === 'recovered') return `recovered ${e.namespace}`;
  return `error ${e.namespace} ${e.error.status} ${e.error.message}`;
}

const fastBackoff = { initialMs: 10, maxMs: 100 };

describe('transport against the fake API server', () => {
  it('6 log streams and 1 watch share one TCP connection', async () => {
    const { fake, api } = await setup();
    const pods = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    for (const p of pods) fake.createPod({ namespace: 'ns', name: p, containers: ['c'] });
    const ctl = new AbortController();
    const list = await api.listPods({ namespace: 'ns' }, ctl.signal);
    assert.equal(list.items.length, 6);
    const watch = api
      .watchPods(
        { namespace: 'ns', resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
        ctl.signal,
      )
      [Symbol.asyncIterator]();
    const logs = pods.map((p) => api.streamLog(logOpts(p), ctl.signal)[Symbol.asyncIterator]());
    for (const p of pods) fake.appendLog('ns', p, 'c', `hello from ${p}`);
    const texts = await Promise.all(
      logs.map((l, i) => readUntil(l, (t) => t.includes(`hello from ${pods[i]}\n`))),
    );
    assert.equal(texts.length, 6);
    fake.createPod({ namespace: 'ns', name: 'p7', containers: ['c'] });
    for (;;) {
      const ev = await watch.next();
      assert.equal(ev.done, false);
      if (ev.value?.type === 'ADDED') break;
    }
    const st = fake.stats();
    assert.equal(st.connections, 1);
    assert.equal(st.logStreamsOpen, 6);
    assert.equal(st.watchesOpen, 1);
    ctl.abort();
    await fake.waitFor(() => fake.stats().logStreamsOpen === 0 && fake.stats().watchesOpen === 0);
    assert.equal(fake.stats().connectionsOpen, 1, 'the connection stays for the next requests');
  });

  it('opens a second connection when maxConcurrentStreams is exhausted', async () => {
    const { fake, api } = await setup({ maxConcurrentStreams: 3 });
    const ctl = new AbortController();
    const pods = ['a', 'b', 'c', 'd'];
    for (const p of pods) fake.createPod({ namespace: 'ns', name: p, containers: ['c'] });
    const logs = pods.map((p) => api.streamLog(logOpts(p), ctl.signal)[Symbol.asyncIterator]());
    const reads = logs.map((l, i) => readUntil(l, (t) => t.includes(`line ${pods[i]}\n`)));
    await fake.waitFor(() => fake.stats().logStreamsOpen === 4);
    for (const p of pods) fake.appendLog('ns', p, 'c', `line ${p}`);
    await Promise.all(reads);
    assert.equal(fake.stats().connections, 2);
    assert.deepEqual(api.connectionStats().activeStreams.sort(), [1, 3]);
    ctl.abort();
  });

  it('falls back to HTTP/1.1 when the server does not offer h2', async () => {
    const { fake, api } = await setup({ http2: false });
    fake.createPod({ namespace: 'ns', name: 'p', containers: ['c'] });
    fake.appendLog('ns', 'p', 'c', ['one', 'two']);
    const ctl = new AbortController();
    const list = await api.listPods({ namespace: 'ns' }, ctl.signal);
    assert.equal(list.items[0]?.metadata.name, 'p');
    const text = await readUntil(api.streamLog(logOpts('p'), ctl.signal)[Symbol.asyncIterator](), (t) =>
      t.includes('two\n'),
    );
    assert.match(text, /Z one\n.*Z two\n/s);
    assert.equal(api.protocol, 'h1');
    assert.ok(fake.requests.every((r) => r.httpVersion === '1.1'));
    ctl.abort();
  });

  it('a wrong token gives KubeError 401 "Unauthorized"', async () => {
    const { api } = await setup({}, {}, { token: 'wrong' });
    const err = await rejects(api.listPods({ namespace: 'ns' }, new AbortController().signal));
    assert.equal(err.status, 401);
    assert.equal(err.message, 'Unauthorized');
  });

  it('keeps the API server messages of log errors', async () => {
    const { fake, api } = await setup();
    fake.createPod({ namespace: 'ns', name: 'two', containers: ['a', 'b'] });
    const drain = async (o: Parameters<HttpKubeApi['streamLog']>[0]) => {
      for await (const _ of api.streamLog(o, new AbortController().signal)) {
        // nothing
      }
    };
    const e1 = await rejects(drain(logOpts('two', 'zz')));
    assert.equal(e1.status, 400);
    assert.match(e1.message, /container zz is not valid for pod two/);
    const e2 = await rejects(drain(logOpts('nope')));
    assert.equal(e2.status, 404);
    assert.equal(e2.message, 'pods "nope" not found');
  });

  it('a dropped log stream throws; one that ends (container restart) returns', async () => {
    const { fake, api } = await setup();
    fake.createPod({ namespace: 'ns', name: 'p', containers: ['c'] });
    fake.appendLog('ns', 'p', 'c', 'first');
    const it = api.streamLog(logOpts('p'), new AbortController().signal)[Symbol.asyncIterator]();
    await readUntil(it, (t) => t.includes('first\n'));
    assert.equal(fake.dropLogStreams(), 1);
    const err = await rejects(it.next());
    assert.equal(err.status, 0);
    assert.equal(err.code, 'ERR_HTTP2_STREAM_ERROR');

    const it2 = api.streamLog(logOpts('p'), new AbortController().signal)[Symbol.asyncIterator]();
    await readUntil(it2, (t) => t.includes('first\n'));
    fake.restartContainer('ns', 'p', 'c');
    for (;;) {
      const r = await it2.next();
      if (r.done) break;
    }
  });
});

describe('pod watcher against the fake API server', () => {
  it('re-watches after dropWatches without losing events', async () => {
    const { fake, api } = await setup({ bookmarkIntervalMs: 50 });
    fake.createPod({ namespace: 'ns', name: 'a', containers: ['c'] });
    const ctl = new AbortController();
    const w = collect(watchPods(api, { namespaces: ['ns'], signal: ctl.signal, backoff: fastBackoff }));
    await w.next((e) => e.type === 'upsert' && e.pod.metadata.name === 'a', 'the listed pod');
    await w.next((e) => e.type === 'synced', 'synced');
    await fake.waitFor(() => fake.stats().watchesOpen === 1);
    assert.equal(fake.dropWatches(), 1);
    fake.createPod({ namespace: 'ns', name: 'b', containers: ['c'] });
    await w.next(
      (e) => e.type === 'upsert' && e.pod.metadata.name === 'b',
      'the pod created while re-watching',
    );
    await fake.waitFor(() => fake.stats().watchesOpen === 1);
    fake.deletePod('ns', 'a');
    await w.next((e) => e.type === 'delete' && e.pod.metadata.name === 'a', 'the delete');
    assert.ok(!w.events.some((e) => e.type === 'error'), 'a clean end is not an error');
    const watches = fake.requests.filter((r) => r.query['watch'] === '1');
    assert.ok(watches.length >= 2);
    assert.ok(
      watches.every(
        (r) => r.query['allowWatchBookmarks'] === 'true' && r.query['resourceVersion'] !== undefined,
      ),
    );
    assert.equal(fake.requests.filter((r) => r.query['watch'] === undefined).length, 1, 'no relist');
    ctl.abort();
    await w.pump;
  });

  it('after a gap and compaction, the relist reconciles a pod deleted meanwhile', async () => {
    const { fake, api } = await setup();
    fake.createPod({ namespace: 'ns', name: 'stays', containers: ['c'] });
    fake.createPod({ namespace: 'ns', name: 'goes', containers: ['c'] });
    const ctl = new AbortController();
    const w = collect(watchPods(api, { namespaces: ['ns'], signal: ctl.signal, backoff: fastBackoff }));
    await w.next((e) => e.type === 'synced', 'synced');
    await fake.waitFor(() => fake.stats().watchesOpen === 1);
    await fake.setDown(true);
    await w.next((e) => e.type === 'error' && e.error.status === 0 && !e.initial, 'the connection error');
    fake.deletePod('ns', 'goes');
    fake.createPod({ namespace: 'ns', name: 'new', containers: ['c'] });
    fake.compact();
    await fake.setDown(false);
    await w.next((e) => e.type === 'delete' && e.pod.metadata.name === 'goes', 'the reconciled delete');
    await w.next((e) => e.type === 'upsert' && e.pod.metadata.name === 'new', 'the new pod');
    const relists = fake.requests.filter((r) => r.query['watch'] === undefined && r.path.endsWith('/pods'));
    assert.equal(relists.length, 2, 'one list, one relist');
    assert.ok(fake.requests.some((r) => r.query['watch'] === '1' && r.status === 200));
    ctl.abort();
    await w.pump;
  });

  it('a denied namespace reports an initial 403 while the others work', async () => {
    const { fake, api } = await setup();
    fake.denyNamespace('secret');
    fake.createPod({ namespace: 'ns', name: 'a', containers: ['c'] });
    const ctl = new AbortController();
    const w = collect(
      watchPods(api, { namespaces: ['secret', 'ns'], signal: ctl.signal, backoff: fastBackoff }),
    );
    const err = await w.next((e) => e.type === 'error', 'the 403');
    assert.ok(err.type === 'error' && err.initial && err.error.status === 403 && err.namespace === 'secret');
    assert.match(err.type === 'error' ? err.error.message : '', /forbidden/);
    await w.next((e) => e.type === 'synced' && e.namespace === 'ns', 'ns synced');
    fake.allowNamespace('secret');
    await w.next(
      (e) => e.type === 'synced' && e.namespace === 'secret',
      'secret synced after it was allowed',
    );
    ctl.abort();
    await w.pump;
  });
});
