// pods/log: parameters, errors, follow lifecycle, raw bytes, backpressure, faults, HTTP/1.1.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../index.ts';
import { H2Client, LineReader } from './client.ts';

describe('fake api server: logs', () => {
  let srv: FakeApiServer;
  let c: H2Client;
  let n = 0;
  let pod: string;
  const base = () => `/api/v1/namespaces/default/pods/${pod}/log`;
  before(async () => {
    srv = await startFakeApiServer();
    c = await H2Client.connect(srv);
  });
  after(async () => {
    c.close();
    await srv.close();
  });
  beforeEach(() => {
    pod = `p${++n}`;
    srv.createPod({ name: pod, containers: ['server', 'gateway'], initContainers: ['init'] });
  });

  const follow = async (query: string) => {
    const { stream, head } = c.open(`${base()}?follow=true&${query}`);
    const h = await head;
    return { status: Number(h[':status']), headers: h, stream, reader: new LineReader(stream) };
  };

  test('plain text, one line per appended line', async () => {
    srv.appendLog('default', pod, 'server', ['one', 'two']);
    srv.appendLog('default', pod, 'server', 'three');
    const r = await c.get(`${base()}?container=server`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.text, 'one\ntwo\nthree\n');
  });

  test('timestamps: RFC3339 with 9 fraction digits, strictly increasing', async () => {
    srv.appendLog(
      'default',
      pod,
      'server',
      Array.from({ length: 200 }, (_, i) => `l${i}`),
    );
    const r = await c.get(`${base()}?container=server&timestamps=true`);
    const lines = r.text.trimEnd().split('\n');
    assert.equal(lines.length, 200);
    let prev = '';
    for (const [i, l] of lines.entries()) {
      const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (.*)$/.exec(l);
      assert.ok(m, l);
      assert.equal(m[2], `l${i}`);
      assert.ok(m[1]! > prev, `${m[1]} > ${prev}`);
      prev = m[1]!;
    }
  });

  test('trimmed timestamp format option', async () => {
    const s2 = await startFakeApiServer({ timestampFormat: 'trimmed' });
    try {
      s2.createPod({ name: 'x', containers: ['c'] });
      s2.appendRaw('default', 'x', 'c', Buffer.from('a'), '2026-01-02T03:04:05.120000000Z');
      s2.appendLog('default', 'x', 'c', 'b');
      const c2 = await H2Client.connect(s2);
      const r = await c2.get('/api/v1/namespaces/default/pods/x/log?timestamps=true');
      c2.close();
      const [a, b] = r.text.trimEnd().split('\n');
      assert.equal(a, '2026-01-02T03:04:05.120000000Z a', 'explicit timestamps are sent verbatim');
      assert.match(b!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z b$/);
    } finally {
      await s2.close();
    }
  });

  test('tailLines, tailLines=0, limitBytes', async () => {
    srv.appendLog('default', pod, 'server', ['a', 'b', 'c', 'd']);
    assert.equal((await c.get(`${base()}?container=server&tailLines=2`)).text, 'c\nd\n');
    assert.equal((await c.get(`${base()}?container=server&tailLines=0`)).text, '');
    assert.equal((await c.get(`${base()}?container=server&tailLines=10`)).text, 'a\nb\nc\nd\n');
    assert.equal((await c.get(`${base()}?container=server&limitBytes=5`)).text, 'a\nb\nc');
  });

  test('sinceTime and sinceSeconds', async () => {
    srv.appendRaw('default', pod, 'server', Buffer.from('old'), '2020-01-01T00:00:00Z');
    srv.appendLog('default', pod, 'server', 'new');
    assert.equal((await c.get(`${base()}?container=server&sinceSeconds=60`)).text, 'new\n');
    assert.equal(
      (await c.get(`${base()}?container=server&sinceTime=2020-01-01T00:00:00Z`)).text,
      'old\nnew\n',
    );
    assert.equal((await c.get(`${base()}?container=server&sinceTime=2020-01-01T00:00:01Z`)).text, 'new\n');
  });

  test('option validation: 422 Invalid like the API server', async () => {
    const both = await c.get(`${base()}?container=server&sinceSeconds=1&sinceTime=2020-01-01T00:00:00Z`);
    assert.equal(both.status, 422);
    assert.equal(both.json.reason, 'Invalid');
    assert.equal(
      both.json.message,
      `PodLogOptions "${pod}" is invalid: : Forbidden: at most one of \`sinceTime\` or \`sinceSeconds\` may be specified`,
    );
    const tail = await c.get(`${base()}?container=server&tailLines=-1`);
    assert.equal(tail.status, 422);
    assert.match(tail.json.message, /tailLines: Invalid value: -1: must be greater than or equal to 0$/);
    const bad = await c.get(`${base()}?container=server&tailLines=x`);
    assert.equal(bad.status, 400);
  });

  test('error messages: container choice, unknown container, missing pod', async () => {
    const none = await c.get(base());
    assert.equal(none.status, 400);
    assert.equal(none.json.reason, 'BadRequest');
    assert.equal(
      none.json.message,
      `a container name must be specified for pod ${pod}, choose one of: [init server gateway]`,
    );
    const unknown = await c.get(`${base()}?container=foo`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.message, `container foo is not valid for pod ${pod}`);
    const missing = await c.get('/api/v1/namespaces/default/pods/nope/log?container=x');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'pods "nope" not found');
    srv.createPod({ name: `${pod}-single`, containers: ['only'] });
    srv.appendLog('default', `${pod}-single`, 'only', 'hi');
    assert.equal((await c.get(`/api/v1/namespaces/default/pods/${pod}-single/log`)).text, 'hi\n');
  });

  test('waiting container: 400 "is waiting to start"; init container logs', async () => {
    srv.createPod({ name: `${pod}-w`, containers: ['server'], waiting: { server: 'ContainerCreating' } });
    const r = await c.get(`/api/v1/namespaces/default/pods/${pod}-w/log?container=server`);
    assert.equal(r.status, 400);
    assert.equal(
      r.json.message,
      `container "server" in pod "${pod}-w" is waiting to start: ContainerCreating`,
    );
    srv.startContainer('default', `${pod}-w`, 'server');
    srv.appendLog('default', `${pod}-w`, 'server', 'up');
    assert.equal((await c.get(`/api/v1/namespaces/default/pods/${pod}-w/log`)).text, 'up\n');
    assert.equal(srv.getPod('default', `${pod}-w`)!.status.containerStatuses[0]!.restartCount, 0);
    const init = await c.get(`${base()}?container=init`);
    assert.equal(init.status, 200);
  });

  test('previous: 400 before a restart, the old instance after', async () => {
    const r = await c.get(`${base()}?container=server&previous=true`);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, `previous terminated container "server" in pod "${pod}" not found`);
    srv.appendLog('default', pod, 'server', 'first life');
    const oldId = srv.getPod('default', pod)!.status.containerStatuses[0]!.containerID;
    srv.restartContainer('default', pod, 'server');
    srv.appendLog('default', pod, 'server', 'second life');
    const p = srv.getPod('default', pod)!.status.containerStatuses[0]!;
    assert.equal(p.restartCount, 1);
    assert.equal(p.lastState.terminated?.containerID, oldId);
    assert.notEqual(p.containerID, oldId);
    assert.equal((await c.get(`${base()}?container=server&previous=true`)).text, 'first life\n');
    assert.equal((await c.get(`${base()}?container=server`)).text, 'second life\n');
    // follow on previous: the log, then the end
    const f = await follow('container=server&previous=true');
    assert.deepEqual(await f.reader.rest(), ['first life']);
  });

  test('follow: backlog, live lines, ends when the container terminates', async () => {
    srv.appendLog('default', pod, 'server', 'backlog');
    const f = await follow('container=server');
    assert.equal(await f.reader.next(), 'backlog');
    srv.appendLog('default', pod, 'server', ['live1', 'live2']);
    assert.equal(await f.reader.next(), 'live1');
    assert.equal(await f.reader.next(), 'live2');
    srv.appendLog('default', pod, 'server', 'last');
    srv.terminateContainer('default', pod, 'server', 0);
    assert.deepEqual(await f.reader.rest(), ['last']);
    assert.equal(f.reader.error, undefined);
    const cs = srv.getPod('default', pod)!.status.containerStatuses[0]!;
    assert.equal(cs.state.terminated?.exitCode, 0);
    assert.ok(cs.state.terminated?.containerID);
    // follow on a terminated container: its log, then the end
    const again = await follow('container=server');
    assert.deepEqual(await again.reader.rest(), ['backlog', 'live1', 'live2', 'last']);
  });

  test('follow ends on restart and on pod deletion (after flushing)', async () => {
    const f1 = await follow('container=server');
    const f2 = await follow('container=gateway');
    await srv.waitFor(() => srv.stats().logStreamsOpen >= 2);
    srv.appendLog('default', pod, 'server', 's');
    srv.restartContainer('default', pod, 'server');
    assert.deepEqual(await f1.reader.rest(), ['s']);
    srv.appendLog('default', pod, 'gateway', ['g1', 'g2']);
    srv.deletePod('default', pod);
    assert.deepEqual(await f2.reader.rest(), ['g1', 'g2']);
    assert.equal(f2.reader.error, undefined);
  });

  test('follow with limitBytes ends after the limit', async () => {
    const f = await follow('container=server&limitBytes=8');
    srv.appendLog('default', pod, 'server', ['abc', 'def', 'ghi']);
    assert.deepEqual(await f.reader.rest(), ['abc', 'def']);
  });

  test('raw bytes: invalid UTF-8, NUL, CR, a 1 MiB line', async () => {
    const weird = Buffer.from([0x66, 0x00, 0xff, 0xfe, 0x0d, 0x67]);
    const big = Buffer.alloc(1024 * 1024, 0x61);
    srv.appendRaw('default', pod, 'server', weird);
    srv.appendRaw('default', pod, 'server', big);
    const r = await c.get(`${base()}?container=server`);
    assert.ok(r.body.equals(Buffer.concat([weird, Buffer.from('\n'), big, Buffer.from('\n')])));
  });

  test('dropLogStreams resets (client error); endLogStreams ends cleanly', async () => {
    const a = await follow('container=server');
    const b = await follow('container=gateway');
    await srv.waitFor(() => srv.stats().logStreamsOpen >= 2);
    assert.equal(srv.dropLogStreams({ pod, container: 'server' }), 1);
    assert.equal(await a.reader.next(), undefined);
    assert.ok(a.reader.error, 'reset must surface as an error');
    assert.match(String((a.reader.error as NodeJS.ErrnoException).code), /ERR_HTTP2_STREAM_ERROR/);
    assert.equal(srv.endLogStreams({ pod }), 1);
    assert.equal(await b.reader.next(), undefined);
    assert.equal(b.reader.error, undefined);
    await srv.waitFor(() => srv.stats().logStreamsOpen === 0);
  });

  test('startLoad: numbered lines, count stops it', async () => {
    const stop = srv.startLoad({
      pod,
      container: 'server',
      linesPerSecond: 2000,
      prefix: 'load',
      count: 300,
    });
    const f = await follow('container=server');
    for (let i = 1; i <= 300; i++) assert.equal(await f.reader.next(), `load seq=${i}`);
    stop();
    f.stream.close();
  });

  test('backpressure: a slow reader bounds server buffering and loses nothing', async () => {
    const slow = await H2Client.connect(srv);
    try {
      const { stream, head } = slow.open(`${base()}?container=server&follow=true`);
      await head;
      stream.pause();
      const line = 'x'.repeat(1000);
      const total = 8000; // ~8 MB
      for (let i = 0; i < total; i += 500) {
        srv.appendLog(
          'default',
          pod,
          'server',
          Array.from({ length: 500 }, (_, j) => `${i + j} ${line}`),
        );
      }
      await new Promise((r) => setTimeout(r, 100)); // let the server write what it can
      const buffered = srv.stats().logBytesBuffered;
      assert.ok(buffered < 512 * 1024, `server buffered ${buffered} bytes for a paused client`);
      const reader = new LineReader(stream);
      stream.resume();
      for (let i = 0; i < total; i++) {
        const l = await reader.next(10_000);
        assert.equal(l?.slice(0, l.indexOf(' ')), String(i));
      }
      stream.close();
    } finally {
      slow.close();
    }
  });

  test('HTTP/1.1 follow: chunked text; a drop destroys the socket', async () => {
    srv.appendLog('default', pod, 'server', 'h1');
    const got: string[] = [];
    const done = new Promise<string>((resolve) => {
      const req = httpsRequest(
        new URL(`${base()}?container=server&follow=true`, srv.url),
        { ca: srv.caPem, headers: { authorization: `Bearer ${srv.token}` }, agent: false },
        (res) => {
          assert.equal(res.headers['transfer-encoding'], 'chunked');
          res.setEncoding('utf8');
          res.on('data', (d: string) => got.push(d));
          res.on('aborted', () => resolve('aborted'));
          res.on('error', () => resolve('error'));
          res.on('end', () => resolve('end'));
        },
      );
      req.on('error', () => resolve('error'));
      req.end();
    });
    await srv.waitFor(() => got.join('') === 'h1\n');
    assert.equal(srv.dropLogStreams({ pod }), 1);
    assert.notEqual(await done, 'end');
  });

  test('denyLogs: 403 for pods/log only', async () => {
    srv.denyLogs('default', pod);
    try {
      const r = await c.get(`${base()}?container=server`);
      assert.equal(r.status, 403);
      assert.equal(
        r.json.message,
        `pods "${pod}" is forbidden: User "system:serviceaccount:default:kstern" cannot get resource "pods/log" in API group "" in the namespace "default"`,
      );
      assert.equal((await c.get(`/api/v1/namespaces/default/pods/${pod}`)).status, 200);
    } finally {
      srv.allowLogs('default', pod);
    }
  });
});
