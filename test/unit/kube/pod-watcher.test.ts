import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, PodList, WatchEvent } from '../../../src/core/kube-objects.ts';
import {
  type KubeApi,
  KubeError,
  type LogOptions,
  type PodQuery,
  type WatchOptions,
} from '../../../src/kube/api.ts';
import { type PodEvent, type PodWatchOptions, watchPods } from '../../../src/kube/pod-watcher.ts';
import type { Clock } from '../../../src/util/clock.ts';

function pod(ns: string, name: string, rv: string, uid = `${ns}-${name}`): Pod {
  return { metadata: { namespace: ns, name, uid, resourceVersion: rv } };
}

/** A watch response the test drives. */
class Channel implements AsyncIterable<WatchEvent> {
  readonly opts: WatchOptions;
  readonly signal: AbortSignal;
  #items: (WatchEvent | { end: true } | { error: unknown })[] = [];
  #wake: (() => void) | undefined;

  constructor(opts: WatchOptions, signal: AbortSignal) {
    this.opts = opts;
    this.signal = signal;
    signal.addEventListener('abort', () => this.#wake?.());
  }
  send(...evs: WatchEvent[]): void {
    this.#items.push(...evs);
    this.#wake?.();
  }
  end(): void {
    this.#items.push({ end: true });
    this.#wake?.();
  }
  fail(error: unknown): void {
    this.#items.push({ error });
    this.#wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    for (;;) {
      if (this.signal.aborted) return;
      const it = this.#items.shift();
      if (it === undefined) {
        await new Promise<void>((r) => {
          this.#wake = r;
        });
        continue;
      }
      if ('end' in it) return;
      if ('error' in it) throw it.error;
      yield it;
    }
  }
}

type ListResult = PodList | KubeError;

class ScriptedApi implements KubeApi {
  readonly server = 'https://fake:6443';
  /** Per namespace key ('' = all): what the next lists return (the last one repeats). */
  readonly lists = new Map<string, ListResult[]>();
  readonly listCalls: PodQuery[] = [];
  readonly watches: Channel[] = [];
  readonly #waiters: (() => void)[] = [];

  setLists(ns: string | undefined, ...results: ListResult[]): void {
    this.lists.set(ns ?? '', results);
  }
  async listPods(q: PodQuery, signal: AbortSignal): Promise<PodList> {
    this.listCalls.push(q);
    this.#notify();
    if (signal.aborted) throw new Error('aborted');
    const queue = this.lists.get(q.namespace ?? '') ?? [];
    const r = queue.length > 1 ? queue.shift()! : queue[0];
    if (r === undefined) throw new Error(`no list scripted for ${q.namespace}`);
    if (r instanceof KubeError) throw r;
    return structuredClone(r);
  }
  watchPods(q: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent> {
    const c = new Channel(q, signal);
    this.watches.push(c);
    this.#notify();
    return c;
  }
  getPod(): Promise<never> {
    return Promise.reject(new Error('unused'));
  }

  getJSON<T>(): Promise<T> {
    throw new Error('not used');
  }
  streamLog(_o: LogOptions): AsyncIterable<Buffer> {
    throw new Error('not used');
  }
  close(): void {}

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
  /** Resolves once `pred` holds (checked whenever a list or watch call happens). */
  async until(pred: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 2000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 20);
        this.#waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }
  watch(i: number): Channel {
    const c = this.watches[i];
    assert.ok(c, `watch #${i} was not opened`);
    return c;
  }
}

const list = (rv: string, ...items: Pod[]): PodList => ({ items, metadata: { resourceVersion: rv } });

/** A clock whose sleeps end at once (on the next turn), recording the delays asked for. */
function fastTimers() {
  const delays: number[] = [];
  const clock: Clock = {
    now: () => Date.now(),
    sleep: (ms, signal) => {
      delays.push(ms);
      return signal.aborted ? Promise.resolve() : new Promise((r) => setImmediate(r));
    },
  };
  return { delays, clock };
}

function start(api: ScriptedApi, o: Partial<PodWatchOptions> & { namespaces: (string | undefined)[] }) {
  const ctl = new AbortController();
  const timers = fastTimers();
  const it = watchPods(api, {
    signal: ctl.signal,
    random: () => 0.5,
    backoff: { initialMs: 100, maxMs: 1000 },
    clock: timers.clock,
    ...o,
  })[Symbol.asyncIterator]();
  const take = async (n: number): Promise<PodEvent[]> => {
    const out: PodEvent[] = [];
    while (out.length < n) {
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([
        it.next(),
        new Promise<never>((_, rej) => {
          timer = setTimeout(
            () => rej(new Error(`timed out after ${out.length} events: ${JSON.stringify(out)}`)),
            2000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      if (r.done) throw new Error(`ended after ${out.length} events`);
      out.push(r.value);
    }
    return out;
  };
  return { ctl, it, take, delays: timers.delays };
}

function brief(evs: PodEvent[]): string[] {
  return evs.map((e) => {
    if (e.type === 'upsert' || e.type === 'delete')
      return `${e.type} ${e.pod.metadata.name}@${e.pod.metadata.resourceVersion}`;
    if (e.type === 'synced') return `synced ${e.namespace ?? '*'}`;
    if (e.type === 'recovered') return `recovered ${e.namespace ?? '*'}`;
    return `error ${e.namespace ?? '*'} ${e.error.status} ${e.error.message}${e.initial ? ' (initial)' : ''}`;
  });
}

describe('watchPods', () => {
  it('lists, syncs, then watches from the list resourceVersion and re-watches from the last one', async () => {
    const api = new ScriptedApi();
    api.setLists('ns', list('10', pod('ns', 'a', '5'), pod('ns', 'b', '7')));
    const w = start(api, {
      namespaces: ['ns'],
      labelSelector: 'app=x',
      fieldSelector: 'status.phase=Running',
    });
    assert.deepEqual(brief(await w.take(3)), ['upsert a@5', 'upsert b@7', 'synced ns']);
    await api.until(() => api.watches.length === 1, 'the watch');
    const w0 = api.watch(0);
    assert.equal(w0.opts.resourceVersion, '10');
    assert.equal(w0.opts.allowWatchBookmarks, true);
    assert.equal(w0.opts.namespace, 'ns');
    assert.equal(w0.opts.labelSelector, 'app=x');
    assert.equal(w0.opts.fieldSelector, 'status.phase=Running');
    assert.deepEqual(api.listCalls, [
      { namespace: 'ns', labelSelector: 'app=x', fieldSelector: 'status.phase=Running' },
    ]);

    w0.send(
      { type: 'ADDED', object: pod('ns', 'c', '11') },
      { type: 'MODIFIED', object: pod('ns', 'a', '12') },
      { type: 'DELETED', object: pod('ns', 'b', '13') },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } },
    );
    assert.deepEqual(brief(await w.take(3)), ['upsert c@11', 'upsert a@12', 'delete b@13']);
    w0.end();
    await api.until(() => api.watches.length === 2, 'the re-watch');
    assert.equal(api.watch(1).opts.resourceVersion, '20', 'from the bookmark');
    assert.equal(api.listCalls.length, 1, 'no relist after a clean end');
    w.ctl.abort();
    assert.equal((await w.it.next()).done, true);
  });

  it('relists on 410 and reconciles: pods gone in the gap are deleted, the rest upserted', async () => {
    const api = new ScriptedApi();
    api.setLists(
      'ns',
      list('10', pod('ns', 'a', '5'), pod('ns', 'b', '7')),
      list('30', pod('ns', 'a', '25'), pod('ns', 'c', '26'), pod('ns', 'b', '27', 'new-uid')),
      list('40', pod('ns', 'a', '25')),
    );
    const w = start(api, { namespaces: ['ns'] });
    await w.take(3);
    await api.until(() => api.watches.length === 1, 'the watch');
    api.watch(0).send({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 10 (29)' },
    });
    // b was recreated with another uid: the old one is deleted, the new one upserted.
    assert.deepEqual(brief(await w.take(4)), ['delete b@7', 'upsert a@25', 'upsert c@26', 'upsert b@27']);
    await api.until(() => api.watches.length === 2, 'the watch after the relist');
    assert.equal(api.watch(1).opts.resourceVersion, '30');
    // A 410 response (not an event) relists too, silently and at once.
    api.watch(1).send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '31' } } });
    api.watch(1).fail(new KubeError('too old resource version', { status: 410, reason: 'Expired' }));
    assert.deepEqual(brief(await w.take(3)), ['delete c@26', 'delete b@27', 'upsert a@25']);
    await api.until(() => api.watches.length === 3, 'the third watch');
    assert.equal(api.watch(2).opts.resourceVersion, '40');
    assert.deepEqual(w.delays, [], 'no backoff for an expired watch');
    // Only a watch that expires again before any event (a server expiring every fresh list) waits.
    api.watch(2).fail(new KubeError('too old resource version', { status: 410, reason: 'Expired' }));
    await api.until(() => api.watches.length === 4, 'the fourth watch');
    assert.deepEqual(w.delays, [75]);
    w.ctl.abort();
  });

  it('reports list failures as initial errors once, backs off, and syncs when the list works', async () => {
    const api = new ScriptedApi();
    const refused = new KubeError('cannot connect to the server https://fake:6443: connect ECONNREFUSED', {
      status: 0,
    });
    api.setLists('ns', refused, refused, refused, list('3', pod('ns', 'a', '2')));
    const w = start(api, { namespaces: ['ns'] });
    assert.deepEqual(brief(await w.take(4)), [
      'error ns 0 cannot connect to the server https://fake:6443: connect ECONNREFUSED (initial)',
      'recovered ns',
      'upsert a@2',
      'synced ns',
    ]);
    // equal jitter with random() = 0.5: three quarters of 100, 200, 400
    assert.deepEqual(w.delays, [75, 150, 300]);
    w.ctl.abort();
  });

  it('re-watches from the last resourceVersion after a watch failure, honouring Retry-After', async () => {
    const api = new ScriptedApi();
    api.setLists('ns', list('10'));
    const w = start(api, { namespaces: ['ns'] });
    assert.deepEqual(brief(await w.take(1)), ['synced ns']);
    await api.until(() => api.watches.length === 1, 'the watch');
    api.watch(0).send({ type: 'ADDED', object: pod('ns', 'a', '11') });
    await w.take(1);
    api.watch(0).fail(new KubeError('busy', { status: 429, retryAfterSeconds: 3 }));
    assert.deepEqual(brief(await w.take(1)), ['error ns 429 busy']);
    await api.until(() => api.watches.length === 2, 'the re-watch');
    assert.equal(api.watch(1).opts.resourceVersion, '11');
    assert.equal(api.listCalls.length, 1);
    assert.deepEqual(w.delays, [3000]);
    // the same failure again right after is not reported again
    api.watch(1).fail(new KubeError('busy', { status: 429 }));
    await api.until(() => api.watches.length === 3, 'the third watch');
    api.watch(2).fail(new KubeError('stream reset', { status: 0 }));
    assert.deepEqual(brief(await w.take(1)), ['error ns 0 stream reset']);
    w.ctl.abort();
  });

  it('an ERROR event other than 410 is reported and followed by a relist', async () => {
    const api = new ScriptedApi();
    api.setLists('ns', list('10', pod('ns', 'a', '5')), list('20', pod('ns', 'a', '5')));
    const w = start(api, { namespaces: ['ns'] });
    await w.take(2);
    await api.until(() => api.watches.length === 1, 'the watch');
    api.watch(0).send({
      type: 'ERROR',
      object: { kind: 'Status', code: 500, message: 'etcd is sad', reason: 'InternalError' },
    });
    assert.deepEqual(brief(await w.take(3)), ['error ns 500 etcd is sad', 'recovered ns', 'upsert a@5']);
    assert.equal(api.listCalls.length, 2);
    w.ctl.abort();
  });

  it('namespaces are independent: one that fails does not stop the others', async () => {
    const api = new ScriptedApi();
    api.setLists(
      'denied',
      new KubeError('pods is forbidden: User "u" cannot list resource "pods" in "denied"', {
        status: 403,
        reason: 'Forbidden',
      }),
    );
    api.setLists('ok', list('5', pod('ok', 'a', '4')));
    const w = start(api, { namespaces: ['denied', 'ok'] });
    const evs = brief(await w.take(3));
    assert.ok(evs.includes('upsert a@4'));
    assert.ok(evs.includes('synced ok'));
    assert.ok(evs.some((e) => e.startsWith('error denied 403 pods is forbidden') && e.endsWith('(initial)')));
    await api.until(() => api.listCalls.filter((q) => q.namespace === 'denied').length >= 3, 'retries');
    await api.until(() => api.watches.length === 1, 'the watch of ok');
    api.watch(0).send({ type: 'ADDED', object: pod('ok', 'b', '6') });
    const more = brief(await w.take(1));
    assert.deepEqual(more, ['upsert b@6'], 'the identical 403 is not repeated');
    w.ctl.abort();
  });

  it('watches all namespaces with namespace undefined', async () => {
    const api = new ScriptedApi();
    api.setLists(undefined, list('9', pod('x', 'a', '1'), pod('y', 'a', '2')));
    const w = start(api, { namespaces: [undefined] });
    assert.deepEqual(brief(await w.take(3)), ['upsert a@1', 'upsert a@2', 'synced *']);
    await api.until(() => api.watches.length === 1, 'the watch');
    assert.equal(api.watch(0).opts.namespace, undefined);
    w.ctl.abort();
  });

  it('stops quietly on abort, and when the consumer stops iterating', async () => {
    const api = new ScriptedApi();
    api.setLists('ns', list('1'));
    const w = start(api, { namespaces: ['ns'] });
    await w.take(1);
    await api.until(() => api.watches.length === 1, 'the watch');
    w.ctl.abort();
    assert.deepEqual(await w.it.next(), { value: undefined, done: true });
    assert.equal(api.watch(0).signal.aborted, true);

    const api2 = new ScriptedApi();
    api2.setLists('ns', list('1'));
    const w2 = start(api2, { namespaces: ['ns'] });
    await w2.take(1);
    await api2.until(() => api2.watches.length === 1, 'the watch');
    await w2.it.return?.(undefined);
    assert.equal(api2.watch(0).signal.aborted, true, 'the watch request is cancelled');
  });

  it('does not spin on watches that end at once', async () => {
    const api = new ScriptedApi();
    api.setLists('ns', list('1'));
    const w = start(api, { namespaces: ['ns'] });
    await w.take(1);
    for (let i = 0; i < 3; i++) {
      await api.until(() => api.watches.length === i + 1, `watch ${i}`);
      api.watch(i).end();
    }
    await api.until(() => api.watches.length === 4, 'watch 3');
    assert.deepEqual(w.delays, [75, 150, 300]);
    w.ctl.abort();
  });
});
