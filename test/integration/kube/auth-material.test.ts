// The auth material real kubeconfigs use, end to end through the transport against a TLS server that
// asks for a client certificate: client certificates from files and from data, username/password
// (basic auth), token-file, certificate-authority as a file, tls-server-name.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import yaml from 'js-yaml';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { createKubeApi, type HttpKubeApi } from '../../../src/kube/transport.ts';
import { freshTlsMaterial, tlsMaterial } from '../../fake-apiserver/certs.ts';

interface Seen {
  auth: string | undefined;
  /** SHA-256 fingerprint of the client certificate presented, if any. */
  clientCert: string | undefined;
}

let server: http2.Http2SecureServer;
let url: string;
let dir: string;
const seen: Seen[] = [];
const serverTls = tlsMaterial();
// A certificate and key of their own, presented as the client certificate (the server only records it:
// the test certificate is made for server auth, so a real API server would check its purpose too).
const client = freshTlsMaterial();
const clientFingerprint = new X509Certificate(client.certPem).fingerprint256;
const apis: HttpKubeApi[] = [];

before(async () => {
  server = http2.createSecureServer({
    cert: serverTls.certPem,
    key: serverTls.keyPem,
    allowHTTP1: true,
    requestCert: true,
    rejectUnauthorized: false,
    ca: client.caPem,
  });
  server.on('request', (req, res) => {
    const sock = req.socket as TLSSocket;
    const peer = sock.getPeerCertificate();
    seen.push({
      auth: req.headers.authorization as string | undefined,
      clientCert: peer?.fingerprint256 || undefined,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'PodList', items: [], metadata: { resourceVersion: '1' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  url = `https://127.0.0.1:${port}`;
  dir = await mkdtemp(join(tmpdir(), 'kstern-auth-'));
  await writeFile(join(dir, 'ca.crt'), serverTls.caPem);
  await writeFile(join(dir, 'other-ca.crt'), freshTlsMaterial().caPem);
  await writeFile(join(dir, 'client.crt'), client.certPem);
  await writeFile(join(dir, 'client.key'), client.keyPem);
  await writeFile(join(dir, 'token'), 'file-token\n');
});
after(async () => {
  for (const a of apis) a.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/** Lists pods with a kubeconfig of this cluster and user entry; returns what the server saw. */
async function list(cluster: Record<string, unknown>, user: Record<string, unknown>): Promise<Seen> {
  const file = join(dir, `config-${++n}`);
  await writeFile(
    file,
    yaml.dump({
      clusters: [{ name: 'c', cluster: { server: url, 'certificate-authority': 'ca.crt', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  const api = await createKubeApi(await resolveKubeconfig({ kubeconfigFlag: file, env: {}, homeDir: dir }));
  apis.push(api);
  const before = seen.length;
  await api.listPods({ namespace: 'default' }, new AbortController().signal);
  assert.equal(seen.length, before + 1);
  return seen.at(-1)!;
}

describe('auth material end to end', () => {
  it('client-certificate and client-key files (relative to the kubeconfig), certificate-authority file', async () => {
    const s = await list({}, { 'client-certificate': 'client.crt', 'client-key': 'client.key' });
    assert.deepEqual(s, { auth: undefined, clientCert: clientFingerprint });
  });

  it('client-certificate-data and client-key-data', async () => {
    const s = await list(
      {},
      {
        'client-certificate-data': Buffer.from(client.certPem).toString('base64'),
        'client-key-data': Buffer.from(client.keyPem).toString('base64'),
      },
    );
    assert.equal(s.clientCert, clientFingerprint);
  });

  it('username and password: basic auth', async () => {
    const s = await list({}, { username: 'admin', password: 'p@ss word' });
    assert.equal(s.auth, `Basic ${Buffer.from('admin:p@ss word').toString('base64')}`);
    assert.equal(s.clientCert, undefined);
  });

  it('token-file: a bearer token, its newline trimmed', async () => {
    const s = await list({}, { 'token-file': 'token' });
    assert.equal(s.auth, 'Bearer file-token');
  });

  it('tls-server-name: the name checked instead of the address', async () => {
    const s = await list({ 'tls-server-name': 'localhost' }, { token: 't' });
    assert.equal(s.auth, 'Bearer t');
    await assert.rejects(
      list({ 'tls-server-name': 'wrong.example' }, { token: 't' }),
      (e) => e instanceof KubeError && /TLS error talking to .*wrong\.example/.test(e.message),
    );
  });

  it('a certificate-authority file that did not sign the server certificate: a TLS error', async () => {
    await assert.rejects(
      list({ 'certificate-authority': 'other-ca.crt' }, { token: 't' }),
      (e) => e instanceof KubeError && e.message.startsWith(`TLS error talking to ${url}: `),
    );
  });
});
