import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import http2, { type Http2ServerRequest } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { WatchEvent } from '../../../src/core/kube-objects.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { createKubeApi, type HttpKubeApi } from '../../../src/kube/transport.ts';
import { json, type Req, type Res, startTestServer, type TestServer, until } from './test-server.ts';

const servers: TestServer[] = [];
const apis: HttpKubeApi[] = [];
after(async () => {
  for (const a of apis) a.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function server(o: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(o);
  servers.push(s);
  return s;
}

async function api(
  s: TestServer,
  o: Parameters<typeof createKubeApi>[1] = {},
  kube?: Parameters<TestServer['kube']>[0],
) {
  const a = await createKubeApi(await s.kube(kube), o);
  apis.push(a);
  return a;
}

async function rejects(p: Promise<unknown> | (() => Promise<unknown>)): Promise<KubeError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(e instanceof KubeError, `expected a KubeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a KubeError');
}

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const podList = (rv: string, ...names: string[]) => ({
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: rv },
  items: names.map((n) => ({ metadata: { name: n, namespace: 'ns', uid: n, resourceVersion: rv } })),
});

const logOpts = (pod: string) => ({ namespace: 'ns', pod, container: 'c', follow: true, timestamps: true });

/** A handler holding log streams open: each writes "<pod> hello\n" and waits. */
function holdingHandler(open: Res[]) {
  return (_req: Req, res: Res, url: URL) => {
    res.on('close', () => {
      (res as Res & { closedForTest?: boolean }).closedForTest = true;
    });
    if (url.pathname.endsWith('/log')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(`${url.pathname.split('/')[6]} hello\n`);
      open.push(res);
      return;
    }
    if (url.searchParams.get('watch') === '1') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"5"}}}\n');
      open.push(res);
      return;
    }
    json(res, 200, podList('5', 'a'));
  };
}

describe('transport over HTTP/2', () => {
  it('multiplexes a list, a watch and six log streams on one connection', async () => {
    const open: Res[] = [];
    const s = await server({ handler: holdingHandler(open) });
    const a = await api(s);
    const ctl = new AbortController();
    const list = await a.listPods({ namespace: 'ns', labelSelector: 'app=x' }, ctl.signal);
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ['a'],
    );
    assert.equal(list.metadata.resourceVersion, '5');
    const watch = a
      .watchPods({ namespace: 'ns', resourceVersion: '5', allowWatchBookmarks: true }, ctl.signal)
      [Symbol.asyncIterator]();
    assert.equal((await watch.next()).value?.type, 'BOOKMARK');
    const logs = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((p) =>
      a.streamLog(logOpts(p), ctl.signal)[Symbol.asyncIterator](),
    );
    const first = await Promise.all(logs.map((l) => l.next()));
    assert.deepEqual(
      first.map((r) => String(r.value)),
      ['p1 hello\n', 'p2 hello\n', 'p3 hello\n', 'p4 hello\n', 'p5 hello\n', 'p6 hello\n'],
    );
    assert.equal(s.connections(), 1);
    assert.equal(a.protocol, 'h2');
    assert.deepEqual(a.connectionStats(), { sessions: 1, activeStreams: [7] });
    assert.equal(typeof (await a.ping()), 'number');
    assert.ok(s.requests.every((r) => r.httpVersion === '2.0'));
    assert.equal(s.requests[0]?.path, '/api/v1/namespaces/ns/pods?labelSelector=app%3Dx&limit=500');
    // Aborting ends every iteration quietly and cancels the streams.
    ctl.abort();
    assert.equal((await watch.next()).done, true);
    for (const l of logs) assert.equal((await l.next()).done, true);
    await until(
      () => open.every((r) => (r as Res & { closedForTest?: boolean }).closedForTest === true),
      'server streams closed',
    );
    await until(() => a.connectionStats().activeStreams[0] === 0, 'client streams released');
  });

  it('opens a second connection only when maxConcurrentStreams is reached', async () => {
    const open: Res[] = [];
    const s = await server({ maxConcurrentStreams: 2, handler: holdingHandler(open) });
    const a = await api(s);
    const ctl = new AbortController();
    const logs = ['p1', 'p2', 'p3'].map((p) => a.streamLog(logOpts(p), ctl.signal)[Symbol.asyncIterator]());
    const first = await Promise.all(logs.map((l) => l.next()));
    assert.equal(first.filter((r) => !r.done).length, 3);
    assert.equal(s.connections(), 2);
    assert.deepEqual(a.connectionStats().activeStreams.sort(), [1, 2]);
    ctl.abort();
    await until(() => a.connectionStats().sessions === 1, 'the idle extra connection closed');
  });

  it('parses watch events split across chunks, and a non-JSON line is an error', async () => {
    const ev1 = JSON.stringify({
      type: 'ADDED',
      object: { metadata: { name: 'ü-1', resourceVersion: '6' } },
    });
    const ev2 = JSON.stringify({
      type: 'DELETED',
      object: { metadata: { name: 'p2', resourceVersion: '7' } },
    });
    const bytes = Buffer.from(`${ev1}\n${ev2}\n`);
    let bad = false;
    const s = await server({
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (bad) {
          res.end(`${ev1}\n<html>proxy error</html>\n`);
          return;
        }
        // one byte at a time (splitting the multi-byte ü too), then a clean end
        let i = 0;
        const next = () => {
          if (i >= bytes.length) return res.end();
          res.write(bytes.subarray(i, i + 1));
          i++;
          setImmediate(next);
        };
        next();
      },
    });
    const a = await api(s);
    const evs = await drain(
      a.watchPods({ namespace: 'ns', resourceVersion: '5' }, new AbortController().signal),
    );
    assert.deepEqual(
      evs.map((e: WatchEvent) => `${e.type} ${(e.object as { metadata: { name: string } }).metadata.name}`),
      ['ADDED ü-1', 'DELETED p2'],
    );
    bad = true;
    const seen: WatchEvent[] = [];
    const err = await rejects(async () => {
      for await (const e of a.watchPods({ namespace: 'ns' }, new AbortController().signal)) seen.push(e);
    });
    assert.equal(seen.length, 1);
    assert.equal(err.status, 0);
    assert.match(
      err.message,
      /^invalid watch event from https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/ns\/pods\?watch=1: .*<html>proxy error<\/html>$/,
    );
  });

  it('a log stream that is reset throws; one that ends cleanly returns', async () => {
    let mode: 'reset' | 'end' = 'reset';
    const s = await server({
      handler: (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('line 1\n', () => {
          if (mode === 'end') res.end('line 2\n');
          else (req as Http2ServerRequest).stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        });
      },
    });
    const a = await api(s);
    const got: string[] = [];
    const err = await rejects(async () => {
      for await (const c of a.streamLog(logOpts('p'), new AbortController().signal)) got.push(String(c));
    });
    assert.equal(got.join(''), 'line 1\n');
    assert.equal(err.status, 0);
    assert.equal(err.code, 'ERR_HTTP2_STREAM_ERROR');
    assert.match(
      err.message,
      /^the connection to https:\/\/127\.0\.0\.1:\d+ was interrupted: .*INTERNAL_ERROR/,
    );
    mode = 'end';
    const chunks = await drain(a.streamLog(logOpts('p'), new AbortController().signal));
    assert.equal(Buffer.concat(chunks).toString(), 'line 1\nline 2\n');
    assert.equal(s.connections(), 1, 'a reset stream does not cost the connection');
  });

  it('a connection lost mid-stream fails the stream; the next request reconnects', async () => {
    const open: Res[] = [];
    const s = await server({ handler: holdingHandler(open) });
    const a = await api(s);
    const it = a.streamLog(logOpts('p'), new AbortController().signal)[Symbol.asyncIterator]();
    assert.equal(String((await it.next()).value), 'p hello\n');
    for (const sock of s.sockets) sock.destroy();
    const err = await rejects(it.next());
    assert.equal(err.status, 0);
    assert.equal(err.code, 'ERR_HTTP2_STREAM_ERROR');
    assert.match(err.message, /was interrupted: the connection was closed/);
    const list = await a.listPods({ namespace: 'ns' }, new AbortController().signal);
    assert.equal(list.items.length, 1);
    assert.equal(s.connections(), 2);
  });

  it('after GOAWAY new requests go to a new connection', async () => {
    const s = await server({ handler: (_q, res) => json(res, 200, podList('1', 'a')) });
    const a = await api(s);
    const ctl = new AbortController();
    await a.listPods({ namespace: 'ns' }, ctl.signal);
    for (const sess of s.sessions) sess.goaway(http2.constants.NGHTTP2_NO_ERROR);
    await until(() => a.connectionStats().sessions === 0, 'the client saw the GOAWAY');
    await a.listPods({ namespace: 'ns' }, ctl.signal);
    assert.equal(s.connections(), 2);
  });

  it('aborting a log stream resets it (RST_STREAM CANCEL) and ends the iteration quietly', async () => {
    const rst: number[] = [];
    const s = await server({
      handler: (req, res) => {
        res.writeHead(200);
        res.write('x\n');
        (req as Http2ServerRequest).stream.on('close', () =>
          rst.push((req as Http2ServerRequest).stream.rstCode),
        );
      },
    });
    const a = await api(s);
    const ctl = new AbortController();
    const got: string[] = [];
    for await (const c of a.streamLog(logOpts('p'), ctl.signal)) {
      got.push(String(c));
      ctl.abort();
    }
    assert.deepEqual(got, ['x\n']);
    await until(() => rst.length === 1, 'the server saw the stream close');
    assert.equal(rst[0], http2.constants.NGHTTP2_CANCEL);
  });

  it('applies backpressure: a consumer that does not read stops the server', async () => {
    let written = 0;
    let blocked = false;
    let resume: (() => void) | undefined;
    const total = 8 * 1024 * 1024;
    const s = await server({
      handler: (_req, res) => {
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024, 'a');
        const pump = () => {
          while (written < total) {
            written += chunk.length;
            if (!res.write(chunk)) {
              blocked = true;
              res.once('drain', () => {
                blocked = false;
                resume?.();
                pump();
              });
              return;
            }
          }
          res.end();
        };
        pump();
      },
    });
    const a = await api(s);
    const it = a.streamLog(logOpts('p'), new AbortController().signal)[Symbol.asyncIterator]();
    let received = (await it.next()).value?.length ?? 0;
    await until(() => blocked, 'the server to block');
    for (let i = 0; i < 5; i++) await a.ping();
    assert.ok(blocked, 'still blocked while nobody reads');
    assert.ok(written < 2 * 1024 * 1024, `the server wrote only what the windows allow (${written} bytes)`);
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      received += r.value.length;
    }
    assert.equal(received, total);
  });

  it('logs requests at verbosity 6 and headers (token redacted) at 8', async () => {
    const s = await server({ handler: (_q, res) => json(res, 200, podList('1')) });
    const lines: string[] = [];
    const a = await api(s, { verbosity: 8, trace: (l) => lines.push(l) });
    await a.listPods({ namespace: undefined }, new AbortController().signal);
    const text = lines.join('\n');
    assert.match(text, /GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/pods\?limit=500 200 in \d+ms/);
    assert.match(text, /Authorization: Bearer <redacted>/);
    assert.ok(!text.includes(s.token), 'the token never appears');
    const quiet: string[] = [];
    const b = await api(s, { verbosity: 5, trace: (l) => quiet.push(l) });
    await b.listPods({ namespace: 'ns' }, new AbortController().signal);
    assert.deepEqual(quiet, []);
  });

  it('follows continue tokens when listing', async () => {
    const s = await server({
      handler: (_q, res, url) => {
        const cont = url.searchParams.get('continue');
        if (cont === null)
          json(res, 200, { ...podList('9', 'a', 'b'), metadata: { resourceVersion: '9', continue: 'tok' } });
        else json(res, 200, podList('9', 'c'));
      },
    });
    const a = await api(s, { listPageSize: 2 });
    const l = await a.listPods({ namespace: 'ns' }, new AbortController().signal);
    assert.deepEqual(
      l.items.map((p) => p.metadata.name),
      ['a', 'b', 'c'],
    );
    assert.equal(l.metadata.resourceVersion, '9');
    assert.match(s.requests[1]?.path ?? '', /limit=2&continue=tok/);
  });

  it('sends tailLines=0', async () => {
    const s = await server({ handler: (_q, res) => res.end() });
    const a = await api(s);
    await drain(
      a.streamLog(
        { ...logOpts('p'), follow: false, tailLines: 0, sinceSeconds: 0 },
        new AbortController().signal,
      ),
    );
    assert.equal(
      s.requests[0]?.path,
      '/api/v1/namespaces/ns/pods/p/log?container=c&timestamps=true&tailLines=0',
    );
  });
});

describe('transport errors', () => {
  it('401 with a wrong token: retried once with fresh credentials, then KubeError 401 "Unauthorized"', async () => {
    const s = await server({ handler: (_q, res) => json(res, 200, podList('1')) });
    const a = await api(s, {}, { token: 'wrong' });
    const err = await rejects(a.listPods({ namespace: 'ns' }, new AbortController().signal));
    assert.equal(err.status, 401);
    assert.equal(err.message, 'Unauthorized');
    assert.equal(err.reason, 'Unauthorized');
    assert.equal(s.requests.length, 2);
    const err2 = await rejects(drain(a.streamLog(logOpts('p'), new AbortController().signal)));
    assert.equal(err2.status, 401);
  });

  it('401 after a token file rotated: the retry reads the new token', async () => {
    const s = await server({ token: 'old', handler: (_q, res) => json(res, 200, podList('1')) });
    const tokenFile = join(tmpdir(), `kstern-token-${process.pid}-${Date.now()}`);
    await writeFile(tokenFile, 'old\n');
    const a = await api(s, {}, { user: { 'token-file': tokenFile } });
    await a.listPods({ namespace: 'ns' }, new AbortController().signal);
    assert.equal(s.requests[0]?.auth, 'Bearer old', 'the newline of the file is trimmed');
    s.setToken('new');
    await writeFile(tokenFile, 'new\n');
    // the cached "old" gets a 401; the retry reads the file again
    await a.listPods({ namespace: 'ns' }, new AbortController().signal);
    assert.deepEqual(
      s.requests.map((r) => r.auth),
      ['Bearer old', 'Bearer old', 'Bearer new'],
    );
  });

  it('error statuses: Status message, HTML body, Retry-After', async () => {
    let reply: (res: Res) => void = () => {};
    const s = await server({ handler: (_q, res) => reply(res) });
    const a = await api(s);
    const sig = new AbortController().signal;
    reply = (res) =>
      json(res, 403, {
        kind: 'Status',
        status: 'Failure',
        message:
          'pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"',
        reason: 'Forbidden',
        code: 403,
      });
    const e1 = await rejects(a.listPods({ namespace: 'ns' }, sig));
    assert.equal(e1.status, 403);
    assert.equal(e1.reason, 'Forbidden');
    assert.match(e1.message, /^pods is forbidden: User "u"/);
    reply = (res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    };
    const e2 = await rejects(drain(a.streamLog(logOpts('p'), sig)));
    assert.equal(e2.status, 502);
    assert.equal(e2.message, '502 Bad Gateway: <html><body><h1>502 Bad Gateway</h1></body></html>');
    reply = (res) =>
      json(res, 429, { kind: 'Status', message: 'slow down', code: 429 }, { 'retry-after': '4' });
    const e3 = await rejects(drain(a.watchPods({ namespace: 'ns' }, sig)));
    assert.equal(e3.status, 429);
    assert.equal(e3.retryAfterSeconds, 4);
  });

  it('connection refused names the server', async () => {
    const s = await server();
    const kube = await s.kube();
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const a = await createKubeApi(kube);
    apis.push(a);
    const err = await rejects(a.listPods({ namespace: 'ns' }, new AbortController().signal));
    assert.equal(err.status, 0);
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(
      err.message,
      `cannot connect to the server ${s.url}: connect ECONNREFUSED 127.0.0.1:${s.port}`,
    );
  });

  it('TLS errors are named: unknown CA, wrong name; insecure-skip-tls-verify works', async () => {
    const s = await server({ handler: (_q, res) => json(res, 200, podList('1')) });
    const sig = new AbortController().signal;
    const noCa = await api(s, {}, { cluster: { server: s.url } });
    const e1 = await rejects(noCa.listPods({ namespace: 'ns' }, sig));
    assert.equal(e1.status, 0);
    assert.equal(e1.message, `TLS error talking to ${s.url}: unable to verify the first certificate`);
    const ca = Buffer.from(s.caPem).toString('base64');
    const wrongName = await api(
      s,
      {},
      {
        cluster: { server: s.url, 'certificate-authority-data': ca, 'tls-server-name': 'wrong.example' },
      },
    );
    const e2 = await rejects(wrongName.listPods({ namespace: 'ns' }, sig));
    assert.match(
      e2.message,
      new RegExp(
        `^TLS error talking to ${s.url.replace(/\./g, '\\.')}: Hostname/IP does not match certificate's altnames: `,
      ),
    );
    const goodName = await api(
      s,
      {},
      {
        cluster: { server: s.url, 'certificate-authority-data': ca, 'tls-server-name': 'localhost' },
      },
    );
    await goodName.listPods({ namespace: 'ns' }, sig);
    const insecure = await api(s, {}, { cluster: { server: s.url, 'insecure-skip-tls-verify': true } });
    await insecure.listPods({ namespace: 'ns' }, sig);
  });
});

describe('transport over HTTP/1.1', () => {
  it('falls back when ALPN does not select h2, with keep-alive', async () => {
    const open: Res[] = [];
    const s = await server({ http2: false, handler: holdingHandler(open) });
    const a = await api(s);
    const ctl = new AbortController();
    await a.listPods({ namespace: 'ns' }, ctl.signal);
    await a.listPods({ namespace: 'ns' }, ctl.signal);
    assert.equal(a.protocol, 'h1');
    assert.equal(s.connections(), 2, 'the ALPN probe, then one keep-alive connection');
    const it = a.streamLog(logOpts('p'), ctl.signal)[Symbol.asyncIterator]();
    assert.equal(String((await it.next()).value), 'p hello\n');
    const w = a.watchPods({ namespace: 'ns' }, ctl.signal)[Symbol.asyncIterator]();
    assert.equal((await w.next()).value?.type, 'BOOKMARK');
    assert.equal(await a.ping(), undefined);
    // a dropped connection mid-stream throws
    for (const r of open) (r as { socket?: { destroy(): void } }).socket?.destroy();
    const err = await rejects(it.next());
    assert.equal(err.status, 0);
    ctl.abort();
    assert.equal((await w.next()).done, true);
    assert.ok(s.requests.every((r) => r.httpVersion === '1.1'));
  });

  it('http2: false never tries HTTP/2', async () => {
    const s = await server({ handler: (_q, res) => json(res, 200, podList('1', 'a')) });
    const a = await api(s, { http2: false });
    await a.listPods({ namespace: 'ns' }, new AbortController().signal);
    assert.equal(s.requests[0]?.httpVersion, '1.1');
    assert.equal(s.connections(), 1);
  });

  it('401 over HTTP/1.1', async () => {
    const s = await server({ http2: false });
    const a = await api(s, {}, { token: 'nope' });
    const err = await rejects(a.listPods({ namespace: 'ns' }, new AbortController().signal));
    assert.equal(err.status, 401);
    assert.equal(err.message, 'Unauthorized');
  });
});
