// A cluster's proxy-url, or HTTPS_PROXY / NO_PROXY: requests go through an HTTP CONNECT tunnel with
// HTTP/2 inside (all streams on one tunnel), and still carry the cluster's TLS settings
// (certificate-authority, insecure-skip-tls-verify, tls-server-name) whatever the user is. Proxy
// failures are one message naming the proxy, never its credentials.
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
  env: Record<string, string> = {},
): Promise<HttpKubeApi> {
  const file = join(dir, `config-${++n}`);
  await writeFile(
    file,
    yaml.dump({
      clusters: [
        {
          name: 'c',
          cluster: { ...(Object.keys(env).length > 0 ? {} : { 'proxy-url': proxy.url }), ...cluster },
        },
      ],
      users: user === undefined ? [] : [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', ...(user === undefined ? {} : { user: 'u' }) } }],
      'current-context': 'x',
    }),
  );
  const api = await createKubeApi(await resolveKubeconfig({ kubeconfigFlag: file, env, homeDir: dir }));
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

/** The fake server by a name only the proxy resolves, its CA trusted, the name checked as localhost. */
const viaName = () => ({
  server: `https://kube.invalid:${port()}`,
  'certificate-authority-data': caData(),
  'tls-server-name': 'localhost',
});
const signal = () => new AbortController().signal;
const logOpts = (pod: string) => ({
  namespace: 'default',
  pod,
  container: 'app',
  follow: true,
  timestamps: false,
});

describe('HTTP/2 through the tunnel', () => {
  it('one tunnel carries the list, the watch and 20 log streams (ALPN h2 inside)', async () => {
    for (let i = 0; i < 20; i++) {
      srv.createPod({ name: `h2p-${i}`, containers: ['app'] });
      srv.appendLog('default', `h2p-${i}`, 'app', `line of h2p-${i}`);
    }
    const before = proxy.tunnels();
    const api = await apiFor(viaName(), { token: srv.token });
    const ctl = new AbortController();
    const list = await api.listPods({ namespace: 'default' }, ctl.signal);
    assert.ok(list.items.length >= 20);
    const watch = api
      .watchPods({ namespace: 'default', resourceVersion: '0' }, ctl.signal)
      [Symbol.asyncIterator]();
    void watch.next().catch(() => {});
    const logs = Array.from({ length: 20 }, (_, i) =>
      api.streamLog(logOpts(`h2p-${i}`), ctl.signal)[Symbol.asyncIterator](),
    );
    const firsts = await Promise.all(logs.map((l) => l.next()));
    for (const [i, f] of firsts.entries()) assert.match(String(f.value), new RegExp(`line of h2p-${i}\\b`));
    assert.equal(api.protocol, 'h2');
    assert.equal(proxy.tunnels() - before, 1, 'every stream on one tunnel');
    assert.equal(api.connectionStats().sessions, 1);
    ctl.abort();
    await Promise.all(logs.map((l) => l.return(undefined)));
  });
});

describe('proxy errors name the proxy, never its credentials', () => {
  let authProxy: ConnectProxy;
  before(async () => {
    authProxy = await startConnectProxy({
      auth: 'alice:s3cr3t pass',
      route: (host, p) => ({ host: host === 'kube.invalid' ? '127.0.0.1' : host, port: p }),
    });
  });
  after(async () => {
    await authProxy.close();
  });
  const withCreds = (user: string, pass: string) => {
    const u = new URL(authProxy.url);
    u.username = user;
    u.password = pass;
    return u.toString();
  };

  it('Proxy-Authorization from the proxy URL: the tunnel is made', async () => {
    const api = await apiFor(
      { ...viaName(), 'proxy-url': withCreds('alice', 's3cr3t pass') },
      { token: srv.token },
    );
    const list = await api.listPods({ namespace: 'default' }, signal());
    assert.ok(list.items.length > 0);
    assert.equal(
      authProxy.authorizations.at(-1),
      `Basic ${Buffer.from('alice:s3cr3t pass').toString('base64')}`,
    );
  });

  it('407: one line naming the proxy and where it came from, without the password', async () => {
    const e = await listError(
      await apiFor({ ...viaName(), 'proxy-url': withCreds('alice', 'wrong-pw') }, { token: srv.token }),
    );
    assert.equal(
      e.message,
      `the proxy ${authProxy.url} refused the tunnel to kube.invalid:${port()}: 407 Proxy Authentication Required (proxy-url of cluster "c")`,
    );
    assert.doesNotMatch(e.message, /wrong-pw|alice/);
  });

  it('refused and unknown proxies: one line, no credentials', async () => {
    const refused = await listError(
      await apiFor({ ...viaName(), 'proxy-url': 'http://bob:hunter2@127.0.0.1:1' }, { token: srv.token }),
    );
    assert.match(
      refused.message,
      /^cannot connect to the proxy http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/,
    );
    const dns = await listError(
      await apiFor(
        { ...viaName(), 'proxy-url': 'http://bob:hunter2@proxy.invalid:3128' },
        { token: srv.token },
      ),
    );
    assert.match(
      dns.message,
      /^cannot connect to the proxy http:\/\/proxy\.invalid:3128: getaddrinfo ENOTFOUND proxy\.invalid/,
    );
    for (const m of [refused.message, dns.message]) {
      assert.doesNotMatch(m, /hunter2|bob/);
      assert.ok(!m.includes('\n'));
    }
  });
});

describe('HTTPS_PROXY and NO_PROXY (no proxy-url in the kubeconfig)', () => {
  it('HTTPS_PROXY is used; a NO_PROXY that does not match changes nothing', async () => {
    const before = proxy.tunnels();
    const api = await apiFor(
      viaName(),
      { token: srv.token },
      { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,10.0.0.0/8' },
    );
    await api.listPods({ namespace: 'default' }, signal());
    assert.equal(proxy.tunnels() - before, 1);
  });

  it('NO_PROXY naming the server (domain suffix) bypasses the proxy', async () => {
    const before = proxy.tunnels();
    const e = await listError(
      await apiFor(viaName(), { token: srv.token }, { https_proxy: proxy.url, no_proxy: '.invalid' }),
    );
    // Straight to kube.invalid, which only the proxy could resolve.
    assert.match(e.message, /ENOTFOUND kube\.invalid/);
    assert.equal(proxy.tunnels(), before, 'no tunnel');
  });
});

describe('a server without HTTP/2 behind the proxy', () => {
  it('HTTP/1.1 through CONNECT tunnels (ALPN offered nothing else)', async () => {
    const h1 = await startFakeApiServer({ http2: false });
    const p1 = await startConnectProxy({
      route: (host, p) => ({ host: host === 'kube.invalid' ? '127.0.0.1' : host, port: p }),
    });
    try {
      h1.createPod({ name: 'old-1', containers: ['app'] });
      h1.appendLog('default', 'old-1', 'app', 'over http/1.1');
      const api = await apiFor(
        {
          server: `https://kube.invalid:${new URL(h1.url).port}`,
          'certificate-authority-data': Buffer.from(h1.caPem).toString('base64'),
          'tls-server-name': 'localhost',
          'proxy-url': p1.url,
        },
        { token: h1.token },
      );
      const ctl = new AbortController();
      const list = await api.listPods({ namespace: 'default' }, ctl.signal);
      assert.deepEqual(
        list.items.map((p) => p.metadata.name),
        ['old-1'],
      );
      const log = api.streamLog(logOpts('old-1'), ctl.signal)[Symbol.asyncIterator]();
      assert.match(String((await log.next()).value), /over http\/1\.1/);
      assert.equal(api.protocol, 'h1');
      assert.ok(p1.tunnels() >= 2, 'the ALPN probe and the HTTP/1.1 connection went through the proxy');
      assert.ok(h1.requests.every((r) => r.httpVersion.startsWith('1.')));
      ctl.abort();
      await log.return(undefined);
    } finally {
      await p1.close();
      await h1.close();
    }
  });
});
