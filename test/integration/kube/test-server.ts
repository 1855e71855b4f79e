// A tiny TLS server for transport tests: HTTP/2 (with HTTP/1.1 via ALPN) or HTTP/1.1 only, with a
// handler per test, counting TCP connections. Uses the fake API server's in-memory CA.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import http2, {
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import https from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { type ResolvedKube, resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { tlsMaterial } from '../../fake-apiserver/certs.ts';

export type Req = IncomingMessage | Http2ServerRequest;
/** Http2ServerResponse is used through the ServerResponse API (the compat layer makes them alike). */
export type Res = ServerResponse;
export type Handler = (req: Req, res: Res, url: URL) => void;

export interface TestServer {
  url: string;
  port: number;
  caPem: string;
  token: string;
  connections(): number;
  sessions: Set<ServerHttp2Session>;
  sockets: Set<Socket>;
  requests: { path: string; auth: string | undefined; httpVersion: string }[];
  setHandler(h: Handler): void;
  /** The token the server accepts from now on. */
  setToken(t: string): void;
  kube(o?: {
    token?: string;
    user?: Record<string, unknown>;
    cluster?: Record<string, unknown>;
  }): Promise<ResolvedKube>;
  close(): Promise<void>;
}

export async function startTestServer(
  o: { http2?: boolean; maxConcurrentStreams?: number; handler?: Handler; token?: string } = {},
): Promise<TestServer> {
  const tls = tlsMaterial();
  let token = o.token ?? 'test-token';
  let handler: Handler = o.handler ?? ((_q, res) => res.end());
  const requests: TestServer['requests'] = [];
  const onRequest = (req: Req, res0: ServerResponse | Http2ServerResponse) => {
    const res = res0 as ServerResponse;
    const url = new URL(req.url ?? '/', 'https://x');
    const auth = req.headers.authorization;
    requests.push({ path: url.pathname + url.search, auth, httpVersion: req.httpVersion });
    if (auth !== `Bearer ${token}`) {
      json(res, 401, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
      return;
    }
    handler(req, res, url);
  };
  const server =
    o.http2 === false
      ? https.createServer({ cert: tls.certPem, key: tls.keyPem, ALPNProtocols: ['http/1.1'] }, onRequest)
      : http2.createSecureServer(
          {
            cert: tls.certPem,
            key: tls.keyPem,
            allowHTTP1: true,
            settings: { maxConcurrentStreams: o.maxConcurrentStreams ?? 250 },
          },
          onRequest,
        );
  let connections = 0;
  const sockets = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('session', (s: ServerHttp2Session) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  server.on('sessionError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `https://127.0.0.1:${port}`;
  const dirs: string[] = [];
  return {
    url,
    port,
    caPem: tls.caPem,
    token,
    connections: () => connections,
    sessions,
    sockets,
    requests,
    setHandler(h) {
      handler = h;
    },
    setToken(t) {
      token = t;
    },
    async kube(k = {}) {
      const dir = await mkdtemp(join(tmpdir(), 'kstern-transport-'));
      dirs.push(dir);
      const file = join(dir, 'config');
      await writeFile(
        file,
        yaml.dump({
          clusters: [
            {
              name: 'c',
              cluster: k.cluster ?? {
                server: url,
                'certificate-authority-data': Buffer.from(tls.caPem).toString('base64'),
              },
            },
          ],
          users: [{ name: 'u', user: k.user ?? { token: k.token ?? token } }],
          contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'ns' } }],
          'current-context': 'ctx',
        }),
      );
      return resolveKubeconfig({ kubeconfigFlag: file, env: {}, homeDir: dir });
    },
    async close() {
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export function json(res: Res, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(data);
}

/** Polls `pred` until it holds (an observable condition, not a fixed sleep). */
export async function until(pred: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
