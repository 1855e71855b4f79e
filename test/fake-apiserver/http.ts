// The TLS listener (HTTP/2 via ALPN with HTTP/1.1 fallback, or HTTP/1.1 only), connection/session
// accounting, and Exchange: one request/response, whichever protocol carried it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
  constants as h2c,
} from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TlsMaterial } from './certs.ts';

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  httpVersion: string;
  status: number;
  at: number;
  /** Request headers by lower-case name, every value as sent (a repeated header has several). */
  headers: Record<string, string[]>;
}

type Req = IncomingMessage | Http2ServerRequest;

function headersOf(req: Req): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name.startsWith(':')) continue;
    (out[name] ??= []).push(raw[i + 1]!);
  }
  return out;
}
type Res = ServerResponse | Http2ServerResponse;

export class Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly httpVersion: string;
  readonly at = Date.now();
  #closed = false;
  #record: (r: RequestRecord) => void;

  constructor(
    readonly req: Req,
    readonly res: Res,
    record: (r: RequestRecord) => void,
  ) {
    const url = new URL(req.url ?? '/', 'https://fake');
    this.method = req.method ?? 'GET';
    this.path = url.pathname;
    this.query = url.searchParams;
    this.httpVersion = req.httpVersion;
    this.#record = record;
    res.on('close', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed || this.res.destroyed;
  }

  header(name: string): string {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(',') : (v ?? '');
  }

  writeHead(status: number, headers: Record<string, string | number>): void {
    this.#record({
      method: this.method,
      path: this.path,
      query: Object.fromEntries(this.query),
      httpVersion: this.httpVersion,
      status,
      at: this.at,
      headers: headersOf(this.req),
    });
    (this.res as ServerResponse).writeHead(status, {
      'audit-id': randomUUID(),
      'cache-control': 'no-cache, private',
      ...headers,
    });
  }

  json(status: number, body: unknown): void {
    const data = Buffer.from(JSON.stringify(body));
    this.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
    this.res.end(data);
  }

  text(status: number, body: string): void {
    this.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    this.res.end(body);
  }

  write(chunk: Buffer | string): boolean {
    if (this.closed) return false;
    return (this.res as ServerResponse).write(chunk);
  }

  /** Bytes accepted by write() but not yet handed to the socket (for backpressure tests). */
  get buffered(): number {
    if ('stream' in this.req) return this.req.stream.writableLength;
    return (this.res as ServerResponse).writableLength;
  }

  /** Calls fn once, when the transport accepts more data or the response closes. */
  onDrain(fn: () => void): void {
    let called = false;
    const once = () => {
      if (called) return;
      called = true;
      this.res.off('drain', once);
      this.res.off('close', once);
      fn();
    };
    this.res.on('drain', once);
    this.res.on('close', once);
  }

  onClose(fn: () => void): void {
    if (this.closed) queueMicrotask(fn);
    else this.res.on('close', fn);
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Aborts the response: RST_STREAM (INTERNAL_ERROR) on HTTP/2, a destroyed socket on HTTP/1.1. */
  reset(): void {
    if (this.closed) return;
    if ('stream' in this.req) this.req.stream.close(h2c.NGHTTP2_INTERNAL_ERROR);
    else this.req.socket.destroy();
  }
}

export interface Listener {
  readonly port: number;
  stats(): { connections: number; connectionsOpen: number; h2Sessions: number; h2SessionsOpen: number };
  /** Stops accepting and destroys every connection (the port stays known for resume()). */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  /**
   * Sends GOAWAY (NO_ERROR) on every HTTP/2 session, like a server shutting down gracefully, then
   * destroys those sessions after `graceMs` (their open streams end with them). Returns the count.
   */
  goAway(graceMs: number): number;
  close(): Promise<void>;
}

export async function listen(o: {
  tls: TlsMaterial;
  http2: boolean;
  maxConcurrentStreams: number;
  host: string;
  port: number;
  onRequest: (req: Req, res: Res) => void;
}): Promise<Listener> {
  const tlsOpts = { cert: o.tls.certPem, key: o.tls.keyPem };
  const server = o.http2
    ? createSecureServer({
        ...tlsOpts,
        allowHTTP1: true,
        settings: { maxConcurrentStreams: o.maxConcurrentStreams },
      })
    : createHttpsServer({ ...tlsOpts, ALPNProtocols: ['http/1.1'] });
  server.on('request', o.onRequest);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  let connections = 0;
  let h2Sessions = 0;
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('session', (s: Http2Session) => {
    h2Sessions++;
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  // clients that vanish mid-handshake must not crash the test process
  server.on('tlsClientError', () => {});
  server.on('clientError', () => {});
  server.on('sessionError', () => {});

  const start = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await start(o.port);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;

  const destroyAll = () => {
    for (const s of sessions) s.destroy();
    for (const s of sockets) s.destroy();
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      destroyAll();
    });

  return {
    port,
    stats: () => ({ connections, connectionsOpen: sockets.size, h2Sessions, h2SessionsOpen: sessions.size }),
    suspend: stop,
    goAway: (graceMs) => {
      const now = [...sessions];
      for (const s of now) if (!s.destroyed && !s.closed) s.goaway(h2c.NGHTTP2_NO_ERROR);
      setTimeout(() => {
        for (const s of now) if (!s.destroyed) s.destroy();
      }, graceMs).unref();
      return now.length;
    },
    resume: async () => {
      if (!server.listening) await start(port);
    },
    close: stop,
  };
}
