// Watch semantics: initial events, resourceVersion replay, selectors, bookmarks, timeout, 410, faults.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../index.ts';
import { H2Client, LineReader } from './client.ts';

interface Ev {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: decoded JSON
  object: any;
}

describe('fake api server: watch', () => {
  let srv: FakeApiServer;
  let c: H2Client;
  let n = 0;
  let ns: string;
  before(async () => {
    srv = await startFakeApiServer({ bookmarkIntervalMs: 50 });
    c = await H2Client.connect(srv);
  });
  after(async () => {
    c.close();
    await srv.close();
  });
  beforeEach(() => {
    ns = `w${++n}`;
  });

  const watch = async (query: string) => {
    const { stream, head } = c.open(`/api/v1/namespaces/${ns}/pods?watch=true&${query}`);
    const h = await head;
    const r = new LineReader(stream);
    const next = async (): Promise<Ev | undefined> => {
      const l = await r.next();
      return l === undefined ? undefined : (JSON.parse(l) as Ev);
    };
    return { status: Number(h[':status']), headers: h, stream, reader: r, next };
  };

  test('without resourceVersion: ADDED for existing pods, then live events', async () => {
    srv.createPod({ namespace: ns, name: 'a', containers: ['c'] });
    const w = await watch('');
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/json');
    const e1 = await w.next();
    assert.equal(e1?.type, 'ADDED');
    assert.equal(e1?.object.kind, 'Pod');
    assert.equal(e1?.object.metadata.name, 'a');
    srv.createPod({ namespace: ns, name: 'b', containers: ['c'] });
    srv.restartContainer(ns, 'b', 'c');
    srv.deletePod(ns, 'b');
    const [added, modified, deleted] = [await w.next(), await w.next(), await w.next()];
    assert.equal(added?.type, 'ADDED');
    assert.equal(modified?.type, 'MODIFIED');
    assert.equal(modified?.object.status.containerStatuses[0].restartCount, 1);
    assert.equal(deleted?.type, 'DELETED');
    const rvs = [added, modified, deleted].map((e) => Number(e?.object.metadata.resourceVersion));
    assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, `increasing RVs ${rvs}`);
    w.stream.close();
  });

  test('from a list resourceVersion: replays only what happened after it', async () => {
    srv.createPod({ namespace: ns, name: 'a', containers: ['c'] });
    const list = (await c.get(`/api/v1/namespaces/${ns}/pods`)).json;
    srv.createPod({ namespace: ns, name: 'b', containers: ['c'] });
    const w = await watch(`resourceVersion=${list.metadata.resourceVersion}`);
    const e = await w.next();
    assert.equal(e?.type, 'ADDED');
    assert.equal(e?.object.metadata.name, 'b');
    srv.deletePod(ns, 'a');
    const d = await w.next();
    assert.equal(d?.type, 'DELETED');
    assert.equal(d?.object.metadata.name, 'a');
    w.stream.close();
  });

  test('selectors: leaving the selection is DELETED, entering is ADDED', async () => {
    srv.createPod({ namespace: ns, name: 'a', labels: { app: 'x' }, containers: ['c'] });
    const w = await watch('labelSelector=app%3Dx');
    assert.equal((await w.next())?.type, 'ADDED');
    srv.createPod({ namespace: ns, name: 'other', labels: { app: 'y' }, containers: ['c'] });
    srv.updatePod(ns, 'a', (p) => {
      p.metadata.labels = { app: 'y' };
    });
    const d = await w.next();
    assert.equal(d?.type, 'DELETED');
    assert.equal(d?.object.metadata.labels.app, 'x', 'DELETED carries the last matching state');
    srv.updatePod(ns, 'other', (p) => {
      p.metadata.labels = { app: 'x' };
    });
    const a = await w.next();
    assert.equal(a?.type, 'ADDED');
    assert.equal(a?.object.metadata.name, 'other');
    w.stream.close();
  });

  test('bookmarks carry the current resourceVersion', async () => {
    const w = await watch('allowWatchBookmarks=true');
    const b = await w.next();
    assert.deepEqual(b, {
      type: 'BOOKMARK',
      object: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { resourceVersion: b?.object.metadata.resourceVersion },
      },
    });
    assert.match(b?.object.metadata.resourceVersion, /^\d+$/);
    w.stream.close();
  });

  test('sendInitialEvents: initial events, then a bookmark marking their end', async () => {
    srv.createPod({ namespace: ns, name: 'a', containers: ['c'] });
    const w = await watch(
      'sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
    );
    assert.equal((await w.next())?.type, 'ADDED');
    const b = await w.next();
    assert.equal(b?.type, 'BOOKMARK');
    assert.equal(b?.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    w.stream.close();
  });

  test('timeoutSeconds ends the stream cleanly', async () => {
    const t0 = Date.now();
    const w = await watch('timeoutSeconds=1');
    assert.equal(await w.next(), undefined);
    assert.equal(w.reader.error, undefined);
    assert.ok(Date.now() - t0 >= 900);
  });

  test('compact: a watch from an older resourceVersion gets an ERROR 410 event', async () => {
    srv.createPod({ namespace: ns, name: 'a', containers: ['c'] });
    const rv = Number(srv.getPod(ns, 'a')!.metadata.resourceVersion);
    srv.createPod({ namespace: ns, name: 'b', containers: ['c'] });
    srv.compact();
    const w = await watch(`resourceVersion=${rv}`);
    assert.equal(w.status, 200);
    const e = await w.next();
    assert.equal(e?.type, 'ERROR');
    assert.equal(e?.object.code, 410);
    assert.equal(e?.object.reason, 'Expired');
    assert.match(e?.object.message, new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
    assert.equal(await w.next(), undefined);
    // a list is still served (not-older-than semantics); Exact gets 410
    assert.equal((await c.get(`/api/v1/namespaces/${ns}/pods?resourceVersion=${rv}`)).status, 200);
    const exact = await c.get(
      `/api/v1/namespaces/${ns}/pods?resourceVersion=${rv}&resourceVersionMatch=Exact`,
    );
    assert.equal(exact.status, 410);
  });

  test('compact: open watches receive ERROR 410 and end', async () => {
    const w = await watch('');
    await srv.waitFor(() => srv.stats().watchesOpen >= 1);
    srv.compact();
    const e = await w.next();
    assert.equal(e?.type, 'ERROR');
    assert.equal(e?.object.code, 410);
    assert.equal(await w.next(), undefined);
  });

  test('dropWatches ends streams cleanly; resetWatches resets them', async () => {
    const w1 = await watch('');
    await srv.waitFor(() => srv.stats().watchesOpen === 1);
    assert.equal(srv.dropWatches(), 1);
    assert.equal(await w1.next(), undefined);
    assert.equal(w1.reader.error, undefined);
    const w2 = await watch('');
    await srv.waitFor(() => srv.stats().watchesOpen === 1);
    assert.equal(srv.resetWatches(), 1);
    assert.equal(await w2.next(), undefined);
    assert.ok(w2.reader.error, 'a reset is an error on the client');
    await srv.waitFor(() => srv.stats().watchesOpen === 0);
  });

  test('legacy /api/v1/watch/... path', async () => {
    srv.createPod({ namespace: ns, name: 'a', containers: ['c'] });
    const { stream } = c.open(`/api/v1/watch/namespaces/${ns}/pods`);
    const r = new LineReader(stream);
    assert.equal(JSON.parse((await r.next())!).type, 'ADDED');
    stream.close();
  });
});
