// HTTP/2 sessions to one API server. Every stream goes on one session (one TCP connection); a further
// session is opened only when all open ones are at the server's SETTINGS_MAX_CONCURRENT_STREAMS. A
// session that closes, fails or receives GOAWAY takes no new streams: the next request opens a new one.
// Each connection is made with tls.connect offering h2 and http/1.1; when ALPN does not select h2 the
// pool reports 'h1' and the caller falls back to HTTP/1.1.
import http2, { type ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { proxyDisplay } from '../config/proxy.ts';
import { KubeError } from './api.ts';
import type { TlsMaterial } from './auth.ts';
import { openTunnel, type ProxyConfig } from './proxy-tunnel.ts';

export interface PoolOptions {
  /** The server URL, for messages. */
  server: string;
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** An HTTP(S) proxy: each connection is a CONNECT tunnel through it, TLS and ALPN inside. */
  proxy?: ProxyConfig;
  /** Per-stream receive window (SETTINGS_INITIAL_WINDOW_SIZE). */
  streamWindowBytes: number;
  /** Connection-level receive window. */
  connectionWindowBytes: number;
  log: (verbosity: number, line: string) => void;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

function isTlsError(e: NodeJS.ErrnoException): boolean {
  const c = e.code ?? '';
  return TLS_CODES.has(c) || c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_') || /CERT/.test(c);
}

/** The KubeError for a failure to reach the server (connect, TLS handshake). */
export function connectError(server: string, e: unknown): KubeError {
  if (e instanceof KubeError) return e;
  const err = e as NodeJS.ErrnoException;
  const msg = err instanceof Error ? err.message : String(e);
  if (err instanceof Error && isTlsError(err)) {
    // Node 24+ adds advice about its own --use-system-ca flag, which is not how kstern is given a CA (the
    // kubeconfig's certificate-authority is): the message stays the same on every Node.
    const tls = msg.replace(
      /; if the root CA is installed locally, try running Node\.js with --use-system-ca$/,
      '',
    );
    return new KubeError(`TLS error talking to ${server}: ${tls}`, { status: 0, code: err.code, cause: e });
  }
  return new KubeError(`cannot connect to the server ${server}: ${msg}`, {
    status: 0,
    code: err?.code,
    cause: e,
  });
}

/** The servername (SNI and certificate check) for a host: TLS forbids SNI with an IP address. */
export function sniFor(host: string, tlsMaterial: TlsMaterial): string | undefined {
  if (tlsMaterial.servername !== undefined) return tlsMaterial.servername;
  return isIP(host) === 0 ? host : undefined;
}

/** Opens a TLS connection offering `protocols`; resolves once the handshake is done. */
export async function connectTls(
  o: Pick<PoolOptions, 'server' | 'host' | 'port' | 'connectTimeoutMs' | 'proxy'>,
  material: TlsMaterial,
  protocols: string[],
): Promise<tls.TLSSocket> {
  const tunnel =
    o.proxy === undefined ? undefined : await openTunnel(o.proxy, o.host, o.port, o.connectTimeoutMs);
  return new Promise((resolve, reject) => {
    const servername = sniFor(o.host, material);
    const socket = tls.connect({
      ...(tunnel === undefined ? {} : { socket: tunnel }),
      host: o.host,
      port: o.port,
      ...material,
      // With servername unset, node checks the certificate against `host` (an IP here).
      ...(servername === undefined ? {} : { servername }),
      ALPNProtocols: protocols,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new KubeError(
          `cannot connect to the server ${o.server}: no TLS connection after ${o.connectTimeoutMs / 1000}s`,
          { status: 0, code: 'ETIMEDOUT' },
        ),
      );
    }, o.connectTimeoutMs);
    const onError = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectError(o.server, e));
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
  });
}

export class H2Conn {
  readonly session: ClientHttp2Session;
  readonly tlsKey: string;
  readonly id: number;
  /** Streams open (or being opened) on this session. */
  active = 0;
  /** Streams ever opened on it: 0 means a fresh connection. */
  opened = 0;
  dead = false;
  /** Made with credentials that changed since: takes no new streams, closes once idle. */
  retired = false;

  constructor(session: ClientHttp2Session, tlsKey: string, id: number) {
    this.session = session;
    this.tlsKey = tlsKey;
    this.id = id;
  }

  get limit(): number {
    return this.session.remoteSettings.maxConcurrentStreams ?? 100;
  }

  get usable(): boolean {
    return !this.dead && !this.retired && !this.session.closed && !this.session.destroyed;
  }

  hasRoom(): boolean {
    return this.usable && this.active < this.limit;
  }
}

export interface Lease {
  conn: H2Conn;
  /** The connection had carried streams before (a stale connection is worth one retry). */
  reused: boolean;
  release(): void;
}

export class H2Pool {
  readonly #o: PoolOptions;
  readonly #conns: H2Conn[] = [];
  #opening: Promise<H2Conn | 'h1'> | undefined;
  #nextId = 1;
  #closed = false;

  constructor(o: PoolOptions) {
    this.#o = o;
  }

  get sessions(): readonly H2Conn[] {
    return this.#conns;
  }

  /**
   * A session with room for one more stream, made with `material`; 'h1' when the server does not
   * speak HTTP/2. The caller must release() the lease when its stream closes.
   */
  async acquire(material: TlsMaterial, tlsKey: string, signal: AbortSignal): Promise<Lease | 'h1'> {
    for (;;) {
      if (this.#closed) throw new KubeError(`the connection to ${this.#o.server} was closed`, { status: 0 });
      const conn = this.#conns.find((c) => c.tlsKey === tlsKey && c.hasRoom());
      if (conn !== undefined) return this.#lease(conn);
      for (const c of this.#conns) {
        if (c.tlsKey !== tlsKey && !c.retired) {
          // The client certificate (or CA) changed: new streams go to a new connection.
          c.retired = true;
          if (c.active === 0) c.session.close();
        }
      }
      this.#opening ??= this.#open(material, tlsKey).finally(() => {
        this.#opening = undefined;
      });
      const r = await raceAbort(this.#opening, signal);
      if (r === 'h1') return 'h1';
      // Loop: the new session is in #conns; concurrent callers share it up to its limit.
    }
  }

  #lease(conn: H2Conn): Lease {
    const reused = conn.opened > 0;
    conn.active++;
    conn.opened++;
    if (conn.active === 1) conn.session.ref();
    let released = false;
    return {
      conn,
      reused,
      release: () => {
        if (released) return;
        released = true;
        conn.active--;
        if (conn.active === 0) this.#idle(conn);
      },
    };
  }

  #idle(conn: H2Conn): void {
    if (conn.retired && !conn.session.closed) conn.session.close();
    if (!conn.usable) return;
    // An idle session does not keep the process alive; an idle extra session is closed.
    conn.session.unref();
    const first = this.#conns.find((c) => c.usable);
    if (first !== conn) {
      this.#o.log(6, `closing idle extra HTTP/2 connection #${conn.id} to ${this.#o.server}`);
      conn.dead = true;
      conn.session.close();
    }
  }

  async #open(material: TlsMaterial, tlsKey: string): Promise<H2Conn | 'h1'> {
    const o = this.#o;
    const socket = await connectTls(o, material, ['h2', 'http/1.1']);
    if (socket.alpnProtocol !== 'h2') {
      o.log(6, `${o.server} does not offer HTTP/2 (ALPN: ${socket.alpnProtocol || 'none'}); using HTTP/1.1`);
      socket.destroy();
      return 'h1';
    }
    const session = http2.connect(o.server, {
      createConnection: () => socket,
      settings: { enablePush: false, initialWindowSize: o.streamWindowBytes },
      maxSessionMemory: 64,
    });
    const id = this.#nextId++;
    const conn = new H2Conn(session, tlsKey, id);
    session.on('error', (e) => {
      conn.dead = true;
      o.log(6, `HTTP/2 connection #${id} to ${o.server} failed: ${e.message}`);
    });
    session.on('goaway', (code, lastStreamID) => {
      conn.dead = true;
      o.log(6, `HTTP/2 connection #${id} to ${o.server}: GOAWAY (code ${code}, last stream ${lastStreamID})`);
    });
    session.on('close', () => {
      conn.dead = true;
      const i = this.#conns.indexOf(conn);
      if (i >= 0) this.#conns.splice(i, 1);
      o.log(6, `HTTP/2 connection #${id} to ${o.server} closed`);
    });
    // The server's SETTINGS (maxConcurrentStreams) arrive right after its connection preface.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new Error(`no HTTP/2 SETTINGS after ${o.connectTimeoutMs / 1000}s`));
      }, o.connectTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        session.off('remoteSettings', onSettings);
        session.off('error', fail);
        session.off('close', onClose);
      };
      const onSettings = () => {
        done();
        resolve();
      };
      const fail = (e: Error) => {
        done();
        session.destroy();
        reject(connectError(o.server, e));
      };
      const onClose = () => fail(new Error('connection closed during the HTTP/2 handshake'));
      session.once('remoteSettings', onSettings);
      session.once('error', fail);
      session.once('close', onClose);
    });
    try {
      session.setLocalWindowSize(o.connectionWindowBytes);
    } catch {
      // not fatal: the default window works, only slower
    }
    session.unref();
    if (this.#closed) {
      session.destroy();
      throw new KubeError(`the connection to ${o.server} was closed`, { status: 0 });
    }
    this.#conns.push(conn);
    o.log(
      6,
      `opened HTTP/2 connection #${id} to ${o.server}${o.proxy === undefined ? '' : ` through the proxy ${proxyDisplay(o.proxy.url)}`} (max concurrent streams ${conn.limit}, ${this.#conns.length} open)`,
    );
    return conn;
  }

  /** Round-trip time of a PING on each open session (ms, the largest). A session that does not answer
   * within `timeoutMs` is destroyed, so that its streams fail and are retried elsewhere. */
  async ping(timeoutMs: number): Promise<number | undefined> {
    const live = this.#conns.filter((c) => c.usable);
    if (live.length === 0) return undefined;
    const rtts = await Promise.all(
      live.map(
        (c) =>
          new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => {
              const e = new KubeError(`no reply to an HTTP/2 PING from ${this.#o.server} in ${timeoutMs}ms`, {
                status: 0,
                code: 'ETIMEDOUT',
              });
              c.dead = true;
              c.session.destroy(e);
              reject(e);
            }, timeoutMs);
            try {
              c.session.ping((err, duration) => {
                clearTimeout(timer);
                if (err) reject(connectError(this.#o.server, err));
                else resolve(duration);
              });
            } catch (e) {
              clearTimeout(timer);
              reject(connectError(this.#o.server, e));
            }
          }),
      ),
    );
    return Math.max(...rtts);
  }

  close(): void {
    this.#closed = true;
    for (const c of [...this.#conns]) {
      c.dead = true;
      c.session.destroy();
    }
    this.#conns.length = 0;
  }
}

/** `p`, or a rejection with the abort reason when `signal` aborts first. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(typeof r === 'string' ? `aborted: ${r}` : 'aborted');
  e.name = 'AbortError';
  return e;
}
