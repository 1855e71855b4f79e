// kubectl's connection flags against the fake API server, through resolveKubeconfig and the real
// transport: no kubeconfig needed with --server, 401 for a wrong --token, --insecure-skip-tls-verify,
// impersonation headers on the wire (HTTP/2 and HTTP/1.1), and --request-timeout.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeOverrides } from '../../../src/config/config.ts';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { createKubeApi } from '../../../src/kube/transport.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstern-kube-flags-int-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function podNames(overrides: KubeOverrides, kubeconfigFlag?: string): Promise<string[]> {
  const kube = await resolveKubeconfig({ env: {}, homeDir: join(dir, 'no-home'), overrides, kubeconfigFlag });
  const api = await createKubeApi(kube);
  try {
    const list = await api.listPods({ namespace: 'default' }, new AbortController().signal);
    return list.items.map((p) => p.metadata.name);
  } finally {
    api.close();
  }
}

for (const http2 of [true, false]) {
  describe(`kubectl connection flags against the fake API server (${http2 ? 'HTTP/2' : 'HTTP/1.1'})`, () => {
    let srv: FakeApiServer;
    let ca: string;
    before(async () => {
      srv = await startFakeApiServer({ http2 });
      srv.createPod({ name: 'web-1', containers: ['app'] });
      ca = join(dir, `ca-${http2}.crt`);
      await writeFile(ca, srv.caPem);
    });
    after(() => srv.close());

    it('--server --token --certificate-authority work without any kubeconfig', async () => {
      assert.deepEqual(await podNames({ server: srv.url, token: srv.token, certificateAuthority: ca }), [
        'web-1',
      ]);
    });

    it('--insecure-skip-tls-verify works without a CA', async () => {
      assert.deepEqual(await podNames({ server: srv.url, token: srv.token, insecureSkipTlsVerify: true }), [
        'web-1',
      ]);
    });

    it('without a CA the server certificate is refused', async () => {
      await assert.rejects(podNames({ server: srv.url, token: srv.token }), (e) => e instanceof KubeError);
    });

    it('a wrong --token gets the 401 from the server, over a kubeconfig user', async () => {
      const kubeconfig = await srv.writeKubeconfig();
      assert.deepEqual(await podNames({}, kubeconfig), ['web-1']);
      await assert.rejects(podNames({ token: 'wrong' }, kubeconfig), (e) => {
        assert.ok(e instanceof KubeError);
        assert.equal(e.status, 401);
        assert.match(e.message, /Unauthorized/);
        return true;
      });
    });

    it('--as / --as-group reach the server as Impersonate-User and one Impersonate-Group per group', async () => {
      const from = srv.requests.length;
      await podNames({
        server: srv.url,
        token: srv.token,
        certificateAuthority: ca,
        as: 'jane',
        asGroups: ['dev', 'ops'],
      });
      const reqs = srv.requests.slice(from);
      assert.ok(reqs.length > 0);
      for (const r of reqs) {
        assert.deepEqual(r.headers['impersonate-user'], ['jane']);
        assert.deepEqual(r.headers['impersonate-group'], ['dev', 'ops']);
      }
    });
  });
}

describe('--request-timeout', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let url: string;
  before(async () => {
    // Accepts connections and never answers (not even the TLS handshake).
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const addr = silent.address();
    url = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('a list that gets no answer fails after the timeout with one line naming the flag', async () => {
    const started = Date.now();
    await assert.rejects(
      podNames({ server: url, insecureSkipTlsVerify: true, requestTimeoutMs: 300 }),
      (e) => {
        assert.ok(e instanceof KubeError, String(e));
        assert.equal(e.code, 'ETIMEDOUT');
        assert.equal(
          e.message,
          `request to ${url}/api/v1/namespaces/default/pods?limit=500 timed out after 300ms (--request-timeout)`,
        );
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000, 'well before the 30 s connect timeout');
  });
});
