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
});
