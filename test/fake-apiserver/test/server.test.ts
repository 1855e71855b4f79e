// Wire-level tests of the fake API server: TLS/ALPN, auth, discovery, pods, selectors, workloads, faults.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../index.ts';
import { H2Client, h1get } from './client.ts';

describe('fake api server: transport and auth', () => {
  let srv: FakeApiServer;
  before(async () => {
    srv = await startFakeApiServer({ token: 't0k3n' });
  });
  after(() => srv.close());

  test('the certificate chains to caPem and names 127.0.0.1 and localhost', () => {
    const ca = new X509Certificate(srv.caPem);
    assert.ok(ca.ca);
    assert.match(srv.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('HTTP/2 via ALPN, one TCP connection for many requests', async () => {
    const before = srv.stats();
    const c = await H2Client.connect(srv);
    const [a, b] = await Promise.all([c.get('/version'), c.get('/api')]);
    assert.equal(a.status, 200);
    assert.equal(a.json.gitVersion, 'v1.32.4');
    assert.equal(b.json.kind, 'APIVersions');
    assert.equal(a.headers['content-type'], 'application/json');
    c.close();
    const s = srv.stats();
    assert.equal(s.connections - before.connections, 1);
    assert.equal(s.h2Sessions - before.h2Sessions, 1);
    const last = srv.requests.at(-1)!;
    assert.equal(last.httpVersion, '2.0');
    assert.equal(last.status, 200);
  });

  test('HTTP/1.1 for clients that do not offer h2', async () => {
    const r = await h1get(srv, '/version');
    assert.equal(r.status, 200);
    assert.equal(srv.requests.at(-1)!.httpVersion, '1.1');
  });

  test('401 Status without the right bearer token', async () => {
    const r = await h1get(srv, '/api/v1/pods', 'wrong');
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  test('http2: false serves HTTP/1.1 only', async () => {
    const s1 = await startFakeApiServer({ http2: false });
    try {
      const c = await H2Client.connect(s1).catch((e: Error) => e);
      assert.ok(c instanceof Error, 'an h2-only client must fail');
      const r = await h1get(s1, '/version');
      assert.equal(r.status, 200);
    } finally {
      await s1.close();
    }
  });

  test('setDown refuses connections; setDown(false) serves again on the same port', async () => {
    await srv.setDown(true);
    const err = await h1get(srv, '/version').catch((e: NodeJS.ErrnoException) => e);
    assert.ok(err instanceof Error);
    assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
    await srv.setDown(false);
    assert.equal((await h1get(srv, '/version')).status, 200);
  });

  test('setUnavailable answers 503', async () => {
    srv.setUnavailable(true);
    const r = await h1get(srv, '/api/v1/pods');
    srv.setUnavailable(false);
    assert.equal(r.status, 503);
    assert.equal(r.json.reason, 'ServiceUnavailable');
  });

  test('maxConcurrentStreams is advertised and enforced', async () => {
    const s2 = await startFakeApiServer({ maxConcurrentStreams: 2 });
    try {
      s2.createPod({ name: 'p', containers: ['a', 'b', 'c'] });
      const c = await H2Client.connect(s2);
      await s2.waitFor(() => c.session.remoteSettings.maxConcurrentStreams === 2);
      const opened = ['a', 'b', 'c'].map((x) =>
        c.open(`/api/v1/namespaces/default/pods/p/log?follow=true&container=${x}`),
      );
      for (const o of opened) o.stream.on('error', () => {});
      await Promise.all([opened[0]!.head, opened[1]!.head]);
      assert.equal(s2.stats().logStreamsOpen, 2);
      // The third is never served beside the other two: node up to 24 holds it back until a slot frees
      // up; newer clients send it and the server refuses it (RST_STREAM).
      const third = new Promise<'served' | 'refused'>((resolve) => {
        opened[2]!.head.then(
          () => resolve('served'),
          () => resolve('refused'),
        );
        opened[2]!.stream.once('close', () => resolve('refused'));
      });
      opened[0]!.stream.close();
      const r = await third;
      assert.ok(s2.stats().logStreamsOpen <= 2, `${s2.stats().logStreamsOpen} streams open`);
      if (r === 'served') assert.equal(s2.stats().logStreamsOpen, 2);
      c.close();
    } finally {
      await s2.close();
    }
  });

  test('kubeconfig carries the server, CA, token, namespace', () => {
    const y = srv.kubeconfig({ namespace: 'team-a', context: 'ctx' });
    assert.match(y, new RegExp(`server: ${srv.url}`));
    assert.match(y, /certificate-authority-data: /);
    assert.match(y, /token: t0k3n/);
    assert.match(y, /namespace: team-a/);
    assert.match(y, /current-context: ctx/);
  });
});

describe('fake api server: discovery and pods', () => {
  let srv: FakeApiServer;
  let c: H2Client;
  before(async () => {
    srv = await startFakeApiServer();
    c = await H2Client.connect(srv);
    srv.createPod({
      name: 'service-a',
      labels: { app: 'service', tier: 'web' },
      containers: ['server', 'gateway'],
    });
    srv.createPod({
      name: 'service-b',
      labels: { app: 'service' },
      containers: ['server'],
      nodeName: 'node-2',
    });
    srv.createPod({ name: 'db-0', labels: { app: 'db' }, containers: ['postgres'] });
    srv.createPod({ namespace: 'other', name: 'worker', labels: { app: 'worker' }, containers: ['w'] });
    srv.createPod({ name: 'starting', containers: ['c'], waiting: { c: 'ContainerCreating' } });
  });
  after(async () => {
    c.close();
    await srv.close();
  });

  test('discovery lists pods, pods/log, workloads', async () => {
    const v1 = (await c.get('/api/v1')).json;
    const names = v1.resources.map((r: { name: string }) => r.name);
    for (const n of ['pods', 'pods/log', 'namespaces', 'nodes', 'services', 'replicationcontrollers']) {
      assert.ok(names.includes(n), n);
    }
    const apps = (await c.get('/apis/apps/v1')).json;
    assert.deepEqual(
      apps.resources.map((r: { name: string }) => r.name),
      ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    );
    assert.equal((await c.get('/apis')).json.groups.length, 2);
    assert.equal((await c.get('/apis/batch/v1')).json.groupVersion, 'batch/v1');
    assert.equal((await c.get('/nope')).status, 404);
  });

  test('list pods: cluster-wide and per namespace, realistic objects', async () => {
    const all = (await c.get('/api/v1/pods')).json;
    assert.equal(all.kind, 'PodList');
    assert.equal(all.apiVersion, 'v1');
    assert.match(all.metadata.resourceVersion, /^\d+$/);
    assert.equal(all.items.length, 5);
    const ns = (await c.get('/api/v1/namespaces/other/pods')).json;
    assert.deepEqual(
      ns.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ['worker'],
    );
    const p = all.items.find((x: { metadata: { name: string } }) => x.metadata.name === 'service-a');
    assert.match(p.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(p.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(p.spec.nodeName, 'node-1');
    assert.equal(p.status.phase, 'Running');
    assert.equal(p.status.containerStatuses.length, 2);
    const cs = p.status.containerStatuses[0];
    assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.ok(cs.state.running.startedAt);
    assert.equal(cs.ready, true);
    assert.equal(cs.restartCount, 0);
    assert.ok(p.status.conditions.some((x: { type: string }) => x.type === 'Ready'));
    const starting = all.items.find((x: { metadata: { name: string } }) => x.metadata.name === 'starting');
    assert.equal(starting.status.phase, 'Pending');
    assert.equal(starting.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
  });

  const names = async (q: string) => {
    const r = await c.get(`/api/v1/namespaces/default/pods?${q}`);
    assert.equal(r.status, 200, r.text);
    return r.json.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
  };

  for (const [sel, want] of [
    ['app=service', ['service-a', 'service-b']],
    ['app==service', ['service-a', 'service-b']],
    ['app!=service', ['db-0', 'starting']],
    ['app in (service,db)', ['db-0', 'service-a', 'service-b']],
    ['app notin (service)', ['db-0', 'starting']],
    ['tier', ['service-a']],
    ['!tier', ['db-0', 'service-b', 'starting']],
    ['app=service,!tier', ['service-b']],
    ['', ['db-0', 'service-a', 'service-b', 'starting']],
  ] as const) {
    test(`labelSelector ${JSON.stringify(sel)}`, async () => {
      assert.deepEqual(await names(`labelSelector=${encodeURIComponent(sel)}`), want);
    });
  }

  for (const [sel, want] of [
    ['metadata.name=db-0', ['db-0']],
    ['metadata.name==db-0', ['db-0']],
    ['spec.nodeName=node-2', ['service-b']],
    ['status.phase!=Running', ['starting']],
    ['metadata.namespace=default,metadata.name!=db-0,status.phase=Running', ['service-a', 'service-b']],
  ] as const) {
    test(`fieldSelector ${JSON.stringify(sel)}`, async () => {
      assert.deepEqual(await names(`fieldSelector=${encodeURIComponent(sel)}`), want);
    });
  }

  test('invalid selectors: 400 with the parser message', async () => {
    const a = await c.get(`/api/v1/pods?labelSelector=${encodeURIComponent('app in (a')}`);
    assert.equal(a.status, 400);
    assert.equal(a.json.reason, 'BadRequest');
    assert.match(a.json.message, /found '', expected/);
    const b = await c.get(`/api/v1/pods?labelSelector=${encodeURIComponent('app=a b!')}`);
    assert.equal(b.status, 400);
    const f = await c.get('/api/v1/pods?fieldSelector=spec.foo%3D1');
    assert.equal(f.status, 400);
    assert.equal(f.json.message, 'field label not supported: spec.foo');
  });

  test('get pod; 404 Status for a missing one', async () => {
    const ok = await c.get('/api/v1/namespaces/default/pods/db-0');
    assert.equal(ok.json.kind, 'Pod');
    const r = await c.get('/api/v1/namespaces/default/pods/x');
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'pods "x" not found');
    assert.equal(r.json.reason, 'NotFound');
    assert.deepEqual(r.json.details, { name: 'x', kind: 'pods' });
  });

  test('limit/continue pages through a list', async () => {
    const p1 = (await c.get('/api/v1/pods?limit=2')).json;
    assert.equal(p1.items.length, 2);
    assert.equal(p1.metadata.remainingItemCount, 3);
    const p2 = (await c.get(`/api/v1/pods?limit=10&continue=${p1.metadata.continue}`)).json;
    assert.equal(p2.items.length, 3);
    assert.equal(p2.metadata.continue, undefined);
  });

  test('Table for kubectl-style Accept', async () => {
    const r = await c.get('/api/v1/namespaces/default/pods', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    assert.equal(r.json.kind, 'Table');
    assert.equal(r.json.columnDefinitions[0].name, 'Name');
    assert.deepEqual(r.json.rows[0].cells.slice(0, 4), ['db-0', '1/1', 'Running', '0']);
    assert.equal(r.json.rows[0].object.kind, 'PartialObjectMetadata');
  });

  test('namespaces and nodes', async () => {
    const ns = (await c.get('/api/v1/namespaces')).json;
    assert.deepEqual(
      ns.items.map((n: { metadata: { name: string } }) => n.metadata.name),
      ['default', 'kube-system', 'other'],
    );
    const nodes = (await c.get('/api/v1/nodes')).json;
    assert.deepEqual(
      nodes.items.map((n: { metadata: { name: string } }) => n.metadata.name),
      ['node-1', 'node-2'],
    );
  });

  test('denyNamespace: 403 with the real RBAC message (and for cluster-wide lists)', async () => {
    srv.denyNamespace('other');
    try {
      const r = await c.get('/api/v1/namespaces/other/pods');
      assert.equal(r.status, 403);
      assert.equal(
        r.json.message,
        'pods is forbidden: User "system:serviceaccount:default:kstern" cannot list resource "pods" in API group "" in the namespace "other"',
      );
      const w = await c.get('/api/v1/namespaces/other/pods?watch=1');
      assert.match(w.json.message, /cannot watch resource "pods"/);
      const all = await c.get('/api/v1/pods');
      assert.match(all.json.message, /cannot list resource "pods" in API group "" at the cluster scope$/);
      assert.equal((await c.get('/api/v1/namespaces/default/pods')).status, 200);
    } finally {
      srv.allowNamespace('other');
    }
  });

  test('workloads: get, list with selector, 404', async () => {
    srv.createWorkload('Deployment', { name: 'service', selector: { matchLabels: { app: 'service' } } });
    srv.createWorkload('Service', { name: 'service', selector: { app: 'service' } });
    srv.createWorkload('Job', {
      name: 'migrate',
      selector: { matchExpressions: [{ key: 'job', operator: 'In', values: ['migrate'] }] },
      templateLabels: { job: 'migrate' },
    });
    const d = (await c.get('/apis/apps/v1/namespaces/default/deployments/service')).json;
    assert.equal(d.kind, 'Deployment');
    assert.equal(d.apiVersion, 'apps/v1');
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'service' } });
    const svc = (await c.get('/api/v1/namespaces/default/services/service')).json;
    assert.deepEqual(svc.spec.selector, { app: 'service' });
    const job = (await c.get('/apis/batch/v1/namespaces/default/jobs/migrate')).json;
    assert.equal(job.spec.selector.matchExpressions[0].key, 'job');
    const list = (await c.get('/apis/apps/v1/deployments')).json;
    assert.equal(list.kind, 'DeploymentList');
    assert.equal(list.items.length, 1);
    const nf = await c.get('/apis/apps/v1/namespaces/default/deployments/nope');
    assert.equal(nf.status, 404);
    assert.equal(nf.json.message, 'deployments.apps "nope" not found');
  });
});
