// A CONNECT tunnel through an HTTP (or HTTPS) proxy to the API server. The caller runs TLS over the
// tunnel with ALPN as usual, so HTTP/2 works through the proxy and every stream shares one tunnel.
// Credentials in the proxy URL (http://user:pass@proxy:3128) are sent as Proxy-Authorization: Basic,
// and never appear in a message: the proxy is named by scheme, host and port only.
import http from 'node:http';
import https from 'node:https';
import net, { isIP } from 'node:net';
import tls from 'node:tls';
import { proxyDisplay } from '../config/proxy.ts';
import { KubeError } from './api.ts';

export interface ProxyConfig {
  /** http:// or https:// (with optional user:password@). */
  url: string;
  /** Where it came from, for messages: `proxy-url of cluster "c"`, `$HTTPS_PROXY`. */
  from: string;
}

const MAX_HEADER = 64 * 1024;

/** `what` names the proxy (without credentials); the source (proxy-url, $HTTPS_PROXY) is added. */
function proxyError(p: ProxyConfig, what: string, code: string): KubeError {
  return new KubeError(`${what} (${p.from})`, { status: 0, code });
}

/** Opens a tunnel to host:port through the proxy; resolves with the raw socket once the proxy said 2xx. */
export function openTunnel(
  p: ProxyConfig,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  const u = new URL(p.url);
  const phost = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const secure = u.protocol === 'https:';
  const pport = u.port === '' ? (secure ? 443 : 80) : Number(u.port);
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const display = proxyDisplay(p.url);
  return new Promise((resolve, reject) => {
    const sock: net.Socket = secure
      ? tls.connect({
          host: phost,
          port: pport,
          ...(isIP(phost) === 0 ? { servername: phost } : {}),
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect(pport, phost);
    let done = false;
    const fail = (e: KubeError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () =>
        fail(proxyError(p, `no answer from the proxy ${display} after ${timeoutMs / 1000}s`, 'ETIMEDOUT')),
      timeoutMs,
    );
    sock.once('error', (e: NodeJS.ErrnoException) =>
      fail(proxyError(p, `cannot connect to the proxy ${display}: ${e.message}`, e.code ?? 'EPROXY')),
    );
    sock.once(secure ? 'secureConnect' : 'connect', () => {
      const auth =
        u.username === ''
          ? ''
          : `Proxy-Authorization: Basic ${Buffer.from(
              `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`,
            ).toString('base64')}\r\n`;
      sock.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEADER)
          fail(proxyError(p, `the proxy ${display} sent an answer to CONNECT without an end`, 'EPROXY'));
        return;
      }
      sock.off('data', onData);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})\s*(.*)$/.exec(statusLine);
      const status = m === null ? 0 : Number(m[1]);
      if (status < 200 || status > 299) {
        const why =
          m === null
            ? 'an invalid answer'
            : `${status} ${(m[2] ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 100)}`;
        fail(proxyError(p, `the proxy ${display} refused the tunnel to ${authority}: ${why}`, 'EPROXY'));
        return;
      }
      const rest = head.subarray(end + 4);
      if (rest.length > 0) sock.unshift(rest);
      done = true;
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    };
    sock.on('data', onData);
    sock.once('close', () =>
      fail(proxyError(p, `the proxy ${display} closed the connection before answering CONNECT`, 'EPROXY')),
    );
  });
}

type CreateConnection = (
  options: { host?: string | null; port?: number | string | null } & tls.ConnectionOptions,
  cb: (err: Error | null, socket?: net.Socket) => void,
) => net.Socket | undefined;

/** A keep-alive agent (HTTP/1.1) whose connections go through the tunnel, TLS inside for https. */
export function tunnelAgent(
  p: ProxyConfig,
  secure: boolean,
  options: https.AgentOptions,
  timeoutMs: number,
): http.Agent {
  const agent = secure ? new https.Agent(options) : new http.Agent(options);
  const create: CreateConnection = (o, cb) => {
    const host = String(o.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
    openTunnel(p, host, Number(o.port), timeoutMs).then(
      (socket) => {
        if (!secure) {
          cb(null, socket);
          return;
        }
        const t = tls.connect({ ...o, socket });
        cb(null, t);
      },
      (e: Error) => cb(e),
    );
    return undefined;
  };
  (agent as unknown as { createConnection: CreateConnection }).createConnection = create;
  return agent;
}
