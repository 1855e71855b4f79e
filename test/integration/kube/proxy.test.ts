// A cluster's proxy-url: requests go through an HTTP CONNECT tunnel and still carry the cluster's TLS
// settings (certificate-authority, insecure-skip-tls-verify, tls-server-name) whatever the user is.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { createKubeApi, type HttpKubeApi } from '../../../src/kube/transport.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { type ConnectProxy, startConnectProxy } from '../../support/connect-proxy.ts';

let srv: FakeApiServer;
let proxy: ConnectProxy;
let dir: string;
let n = 0;
const apis: HttpKubeApi[] = [];

before(async () => {
  srv = await startFakeApiServer();
  srv.createPod({ name: 'via-proxy', containers: ['app'] });
  // kube.invalid does not resolve: only the proxy knows where it is.
  proxy = await startConnectProxy({
    route: (host, port) => ({ host: host === 'kube.invalid' ? '127.0.0.1' : host, port }),
  });
  dir = await mkdtemp(join(tmpdir(), 'kstern-proxy-'));
});
after(async () => {
  for (const a of apis) a.close();
  await proxy.close();
  await srv.close();
  await rm(dir, { recursive: true, force: true });
});

const port = () => new URL(srv.url).port;
const caData = () => Buffer.from(srv.caPem).toString('base64');

/** An API client for a kubeconfig whose cluster is `cluster` (plus proxy-url) and user `user` (none: no user). */
async function apiFor(
  cluster: Record<string, unknown>,
  user?: Record<string, unknown>,
): Promise<HttpKubeApi> {
  const file = join(dir, `config-${++n}`);
  await writeFile(
    file,
    yaml.dump({
      clusters: [{ name: 'c', cluster: { 'proxy-url': proxy.url, ...cluster } }],
      users: user === undefined ? [] : [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', ...(user === undefined ? {} : { user: 'u' }) } }],
      'current-context': 'x',
    }),
  );
  const api = await createKubeApi(await resolveKubeconfig({ kubeconfigFlag: file, env: {}, homeDir: dir }));
  apis.push(api);
  return api;
}

/** The error of listing pods; the fake wants a bearer token, so a TLS handshake that worked gives 401. */
async function listError(api: HttpKubeApi): Promise<KubeError> {
  try {
    await api.listPods({ namespace: 'default' }, new AbortController().signal);
  } catch (e) {
    assert.ok(e instanceof KubeError, `expected a KubeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the request to be rejected');
}

describe('proxy-url', () => {
  it('with no user: the cluster CA is trusted through the tunnel (401 from the server, not a TLS error)', async () => {
    const before = proxy.tunnels();
    const e = await listError(await apiFor({ server: srv.url, 'certificate-authority-data': caData() }));
    assert.equal(e.status, 401, e.message);
    assert.ok(proxy.tunnels() > before, 'the request went through the proxy');
  });

  it('with no user: insecure-skip-tls-verify is honoured through the tunnel', async () => {
    const e = await listError(await apiFor({ server: srv.url, 'insecure-skip-tls-verify': true }));
    assert.equal(e.status, 401, e.message);
  });

  it('with no user: tls-server-name is the name checked through the tunnel', async () => {
    const e = await listError(
      await apiFor({
        server: `https://kube.invalid:${port()}`,
        'certificate-authority-data': caData(),
        'tls-server-name': 'localhost',
      }),
    );
    assert.equal(e.status, 401, e.message);
    assert.ok(proxy.targets.includes(`kube.invalid:${port()}`), proxy.targets.join(', '));
  });

  it('without the CA the server certificate is still rejected through the tunnel', async () => {
    const e = await listError(await apiFor({ server: srv.url }));
    assert.equal(e.status, 0);
    assert.match(e.message, /certificate/);
  });

  it('a token user with no TLS material: CA and tls-server-name through the tunnel, pods listed', async () => {
    const before = proxy.tunnels();
    const api = await apiFor(
      {
        server: `https://kube.invalid:${port()}`,
        'certificate-authority-data': caData(),
        'tls-server-name': 'localhost',
      },
      { token: srv.token },
    );
    const list = await api.listPods({ namespace: 'default' }, new AbortController().signal);
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ['via-proxy'],
    );
    assert.ok(proxy.tunnels() > before, 'the request went through the proxy');
  });
});
