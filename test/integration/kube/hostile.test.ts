// The transport against the fake API server in hostile mode (test/fake-apiserver/hostile.ts): every
// bad answer becomes a KubeError naming the server, never a hang, an OOM or a TypeError.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { createKubeApi, type HttpKubeApi, type TransportOptions } from '../../../src/kube/transport.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';

let srv: FakeApiServer;
let kubeconfig: string;
const apis: HttpKubeApi[] = [];

before(async () => {
  srv = await startFakeApiServer();
  kubeconfig = await srv.writeKubeconfig();
  srv.createPod({ name: 'web-1', containers: ['app'] });
  srv.appendLog('default', 'web-1', 'app', ['one']);
});
after(async () => {
  for (const a of apis) a.close();
  await srv.close();
});

async function api(o: TransportOptions = {}): Promise<HttpKubeApi> {
  const kube = await resolveKubeconfig({ kubeconfigFlag: kubeconfig, env: {}, homeDir: '/nonexistent' });
  const a = await createKubeApi(kube, o);
  apis.push(a);
  return a;
}

async function rejects(p: () => Promise<unknown>): Promise<KubeError> {
  try {
    await p();
  } catch (e) {
    assert.ok(e instanceof KubeError, `expected a KubeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a KubeError');
}

const signal = new AbortController().signal;

describe('hostile server: transport', () => {
  it('a list that pages without end stops at maxListPages', { timeout: 10_000 }, async () => {
    srv.hostile({ continueForever: true });
    try {
      const a = await api({ maxListPages: 5 });
      const from = srv.requests.length;
      const e = await rejects(() => a.listPods({ namespace: 'default' }, signal));
      assert.match(e.message, new RegExp(`${srv.url}.*more than 5 pages`));
      assert.equal(srv.requests.length - from, 5);
    } finally {
      srv.hostile(undefined);
    }
  });

  it('a redirected log stream is an error, not log lines', async () => {
    srv.hostile({ redirect: { status: 302, location: 'https://elsewhere.example/x' } });
    try {
      const a = await api();
      const e = await rejects(async () => {
        for await (const _ of a.streamLog(
          { namespace: 'default', pod: 'web-1', container: 'app', follow: false, timestamps: false },
          signal,
        ));
      });
      assert.equal(e.status, 302);
      assert.match(e.message, /302 Found to https:\/\/elsewhere\.example\/x/);
    } finally {
      srv.hostile(undefined);
    }
  });

  it('a watch event line that never ends fails that watch at maxWatchEventBytes', {
    timeout: 10_000,
  }, async () => {
    srv.hostile({ watchEndlessLine: 1024 * 1024 });
    try {
      const a = await api({ maxWatchEventBytes: 64 * 1024 });
      const e = await rejects(async () => {
        for await (const _ of a.watchPods({ namespace: 'default' }, signal));
      });
      assert.equal(e.status, 0);
      assert.match(
        e.message,
        new RegExp(
          `^the watch of ${srv.url}/api/v1/namespaces/default/pods sent an event larger than 64 KiB`,
        ),
      );
    } finally {
      srv.hostile(undefined);
    }
  });

  it('a list body over maxBodyBytes is an error naming the server and the limit', {
    timeout: 10_000,
  }, async () => {
    srv.hostile({ listPadBytes: 2 * 1024 * 1024 });
    try {
      const a = await api({ maxBodyBytes: 1024 * 1024 });
      const e = await rejects(() => a.listPods({ namespace: 'default' }, signal));
      assert.match(
        e.message,
        new RegExp(`^the response to GET ${srv.url}/api/v1/namespaces/default/pods.* is larger than 1 MiB`),
      );
      // Under the limit, the same list is fine.
      const b = await api({ maxBodyBytes: 4 * 1024 * 1024 });
      assert.deepEqual(
        (await b.listPods({ namespace: 'default' }, signal)).items.map((p) => p.metadata.name),
        ['web-1'],
      );
    } finally {
      srv.hostile(undefined);
    }
  });
});
