// A minimal HTTP forward proxy for tests: it answers CONNECT host:port with a TCP tunnel (what a
// kubeconfig cluster's proxy-url points at) and refuses every other method. It counts the tunnels and
// records their targets; `route` can send a host name somewhere else (so a server URL can use a name
// that does not resolve, like a proxy that resolves names on its side). With `auth` ("user:password") it
// answers 407 to a CONNECT without that Proxy-Authorization: Basic.
import http from 'node:http';
import net from 'node:net';

export interface ConnectProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** CONNECT requests answered with 200 (cumulative). */
  tunnels(): number;
  /** The `host:port` of every CONNECT request, in order. */
  targets: string[];
  /** The Proxy-Authorization header of every CONNECT request ('' when none), in order. */
  authorizations: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(
  o: { route?: (host: string, port: number) => { host: string; port: number }; auth?: string } = {},
): Promise<ConnectProxy> {
  let tunnels = 0;
  const targets: string[] = [];
  const authorizations: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('only CONNECT\n');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client);
    const target = req.url ?? '';
    targets.push(target);
    const given = req.headers['proxy-authorization'] ?? '';
    authorizations.push(given);
    if (o.auth !== undefined && given !== `Basic ${Buffer.from(o.auth).toString('base64')}`) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (m === null) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const to = (o.route ?? ((host, port) => ({ host, port })))(m[1] ?? '', Number(m[2]));
    const upstream = net.connect(to.port, to.host, () => {
      tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: () => tunnels,
    targets,
    authorizations,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
