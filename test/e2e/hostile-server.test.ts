// A hostile API server (or a broken proxy in front of one), through the built binary: kstern says what
// is wrong in one line naming the server, never loops, storms, balloons or prints a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { BIN, spawnKstern } from '../support/kstern.ts';
import { until } from '../support/wait.ts';

let srv: FakeApiServer;
let kubeconfig: string;

before(async () => {
  srv = await startFakeApiServer();
  kubeconfig = await srv.writeKubeconfig();
  srv.createPod({ name: 'web-1', containers: ['app'] });
  srv.appendLog('default', 'web-1', 'app', ['one', 'two']);
});
after(async () => {
  await srv.close();
});

function linesOf(s: string): string[] {
  return s.split('\n').filter(Boolean);
}

/** Requests to `path` (a pods/log or pods path prefix) recorded since `since` (an index in srv.requests). */
function count(since: number, pred: (r: FakeApiServer['requests'][number]) => boolean): number {
  return srv.requests.slice(since).filter(pred).length;
}

const isLog = (r: FakeApiServer['requests'][number]) => r.path.endsWith('/log');
const isWatch = (r: FakeApiServer['requests'][number]) => r.query['watch'] !== undefined;

/** How many requests `pred` matches in the next second: an observation window, not synchronisation. */
async function requestsInOneSecond(pred: (r: FakeApiServer['requests'][number]) => boolean): Promise<number> {
  const before = count(0, pred);
  await new Promise((r) => setTimeout(r, 1000));
  return count(0, pred) - before;
}

/** The server behaves again; kstern is stopped (Ctrl-C) and has exited. */
async function behaveAndStop(k: ReturnType<typeof spawnKstern>): Promise<void> {
  srv.hostile(undefined);
  k.child.kill('SIGINT');
  await k.exit;
}

describe('timer overflow: a huge Retry-After or --request-timeout is clamped, not a 1 ms timer', () => {
  it('429 on log requests with Retry-After: 99999999999 does not make a request storm', async () => {
    const from = srv.requests.length;
    srv.hostile({ tooManyRequests: { retryAfter: '99999999999', on: ['log'] } });
    const k = spawnKstern(['web', '--kubeconfig', kubeconfig]);
    try {
      await until(() => count(from, isLog) >= 1, 'the first log request');
      await k.waitStderr((e) => /Too many requests/.test(e), 'the 429 reported');
      const n = await requestsInOneSecond(isLog);
      assert.ok(n <= 1, `log requests in 1 s: ${n}`);
      assert.doesNotMatch(k.stderr(), /TimeoutOverflowWarning/);
    } finally {
      await behaveAndStop(k);
    }
    assert.doesNotMatch(k.stderr(), /TimeoutOverflowWarning|\n\s+at /);
  });

  it('429 on watches with details.retryAfterSeconds: 99999999999 does not make a watch storm', async () => {
    const from = srv.requests.length;
    srv.hostile({ tooManyRequests: { retryAfterSeconds: 99999999999, on: ['watch'] } });
    const k = spawnKstern(['web', '--kubeconfig', kubeconfig]);
    try {
      await until(() => count(from, isWatch) >= 1, 'the first watch request');
      await k.waitStderr((e) => /failed to watch pods/.test(e), 'the 429 reported');
      const n = await requestsInOneSecond(isWatch);
      assert.ok(n <= 1, `watch requests in 1 s: ${n}`);
    } finally {
      await behaveAndStop(k);
    }
    assert.doesNotMatch(k.stderr(), /TimeoutOverflowWarning|\n\s+at /);
  });

  it('--request-timeout above 2^31-1 ms is not a 1 ms timeout', async () => {
    const k = spawnKstern([
      'web',
      '--no-follow',
      '--request-timeout',
      '99999999',
      '--kubeconfig',
      kubeconfig,
    ]);
    const { code } = await k.exit;
    assert.equal(k.stdout(), 'web-1 app one\nweb-1 app two\n');
    assert.doesNotMatch(k.stderr(), /timed out|TimeoutOverflowWarning/);
    assert.equal(code, 0, k.stderr());
  });
});

/** The child's exit, or a failure (and the child killed) after `ms`: a loop must not hang the suite. */
async function exitWithin(k: ReturnType<typeof spawnKstern>, ms = 10_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      k.child.kill('SIGKILL');
      reject(new Error(`kstern did not exit within ${ms} ms; stderr:\n${k.stderr().slice(-2000)}`));
    }, ms);
  });
  try {
    return (await Promise.race([k.exit, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** A plain-HTTP server that records the requests it gets and answers 200 {}. */
async function recorder(): Promise<{
  url: string;
  requests: { url: string; auth?: string }[];
  server: Server;
}> {
  const requests: { url: string; auth?: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, server };
}

describe('3xx: a redirect is an error naming the Location, never followed', () => {
  for (const status of [301, 302, 307]) {
    it(`${status}`, async () => {
      const elsewhere = await recorder();
      srv.hostile({ redirect: { status, location: `${elsewhere.url}/steal` } });
      try {
        for (const args of [['web'], ['web', '--no-follow']]) {
          const k = spawnKstern([...args, '--kubeconfig', kubeconfig]);
          const code = await exitWithin(k);
          const lines = linesOf(k.stderr());
          assert.equal(lines.length, 1, k.stderr());
          assert.match(lines[0]!, /^kstern: error: /);
          assert.match(lines[0]!, new RegExp(`${srv.url}.*${status}.*${elsewhere.url}/steal`));
          assert.equal(k.stdout(), '', 'the redirect body is not printed as log lines');
          assert.equal(code, 1);
        }
        assert.deepEqual(elsewhere.requests, [], 'nothing (and no token) sent to the Location');
      } finally {
        srv.hostile(undefined);
        elsewhere.server.close();
      }
    });
  }
});

describe('pod list pagination', () => {
  it('a server repeating the same continue token is an error, not an endless loop', async () => {
    srv.hostile({ repeatContinue: 'same-token' });
    try {
      for (const args of [['web'], ['web', '--no-follow']]) {
        const k = spawnKstern([...args, '--kubeconfig', kubeconfig]);
        const code = await exitWithin(k);
        const lines = linesOf(k.stderr());
        assert.equal(lines.length, 1, k.stderr());
        assert.match(lines[0]!, new RegExp(`^kstern: error: .*${srv.url}.*continue token`));
        assert.equal(code, 1);
      }
    } finally {
      srv.hostile(undefined);
    }
  });
});

describe('unbounded buffering', () => {
  it('a watch event that never ends fails that watch once on stderr (16 MiB cap); logs go on', async () => {
    srv.hostile({ watchEndlessLine: 20 * 1024 * 1024 });
    const k = spawnKstern(['web', '--kubeconfig', kubeconfig]);
    try {
      await k.waitStdout((o) => o.includes('web-1 app two\n'), 'the logs of web-1');
      await k.waitStderr((e) => /larger than 16 MiB/.test(e), 'the watch failure', 20_000);
      const from = srv.requests.length;
      // The watcher retries (with backoff): the same failure is not repeated on stderr.
      await until(() => count(from, isWatch) >= 1, 'a second watch', 20_000);
      srv.hostile(undefined);
      srv.createPod({ name: 'web-2', containers: ['app'] });
      srv.appendLog('default', 'web-2', 'app', 'three');
      await k.waitStdout(
        (o) => o.includes('web-2 app three\n'),
        'a pod added once the server behaves',
        20_000,
      );
    } finally {
      await behaveAndStop(k);
    }
    const failures = linesOf(k.stderr()).filter((l) => /larger than/.test(l));
    assert.equal(failures.length, 1, k.stderr());
    assert.match(
      failures[0]!,
      new RegExp(
        `^kstern: warning: failed to watch pods in namespace default: the watch of ${srv.url}/api/v1/namespaces/default/pods sent an event larger than 16 MiB \\(the limit for one watch event\\), will retry$`,
      ),
    );
    assert.doesNotMatch(k.stderr(), /\n\s+at /);
    srv.deletePod('default', 'web-2');
  });
});

describe('malformed objects from the server', () => {
  const badItems = [null, 42, {}, { metadata: { name: 'web-bad', labels: 5 } }, { metadata: { name: 7 } }];
  const badEvents = [
    '{"type":"ADDED","object":null}',
    '{"type":"MODIFIED","object":{"metadata":{"name":"web-x"},"status":{"containerStatuses":7}}}',
    '{"type":"DELETED","object":{"spec":{}}}',
    '{"type":"BOOKMARK","object":{}}',
    '{"type":"SURPRISE","object":{}}',
  ];

  it('bad list items and watch events are skipped with a line naming the server; the other pods go on', async () => {
    srv.hostile({ extraItems: badItems, watchLines: badEvents });
    const k = spawnKstern(['web', '--kubeconfig', kubeconfig]);
    try {
      await k.waitStdout((o) => o.includes('web-1 app two\n'), 'the logs of web-1');
      await k.waitStderr((e) => /SURPRISE/.test(e), 'the last bad watch event reported');
      srv.createPod({ name: 'web-3', containers: ['app'] });
      srv.appendLog('default', 'web-3', 'app', 'four');
      await k.waitStdout(
        (o) => o.includes('web-3 app four\n'),
        'a pod added by the watch after the bad events',
      );
    } finally {
      await behaveAndStop(k);
    }
    const err = k.stderr();
    assert.doesNotMatch(err, /TypeError|\n\s+at /);
    const skipped = linesOf(err).filter((l) => l.startsWith('kstern: warning: ignoring an invalid'));
    const list = `${srv.url}/api/v1/namespaces/default/pods`;
    assert.deepEqual(skipped, [
      `kstern: warning: ignoring an invalid pod in the pod list from ${list}: not an object: null`,
      `kstern: warning: ignoring an invalid pod in the pod list from ${list}: not an object: number`,
      `kstern: warning: ignoring an invalid pod in the pod list from ${list}: no metadata`,
      `kstern: warning: ignoring an invalid pod in the pod list from ${list}: pod "web-bad": metadata.labels is not a map of strings`,
      `kstern: warning: ignoring an invalid pod in the pod list from ${list}: no metadata.name`,
      `kstern: warning: ignoring an invalid watch event from ${list}: ADDED not an object: null`,
      `kstern: warning: ignoring an invalid watch event from ${list}: MODIFIED pod "web-x": status.containerStatuses is not a list of container statuses`,
      `kstern: warning: ignoring an invalid watch event from ${list}: DELETED no metadata`,
      `kstern: warning: ignoring an invalid watch event from ${list}: BOOKMARK without metadata.resourceVersion`,
      `kstern: warning: ignoring an invalid watch event from ${list}: unknown event type "SURPRISE"`,
    ]);
    srv.deletePod('default', 'web-3');
  });

  it('--no-follow: bad list items are skipped, the good pods are read, exit 0', async () => {
    srv.hostile({ extraItems: badItems });
    try {
      const k = spawnKstern(['web', '--no-follow', '--kubeconfig', kubeconfig]);
      const code = await exitWithin(k);
      assert.equal(k.stdout(), 'web-1 app one\nweb-1 app two\n');
      assert.equal(
        linesOf(k.stderr()).filter((l) => l.startsWith('kstern: warning: ignoring an invalid pod')).length,
        5,
        k.stderr(),
      );
      assert.doesNotMatch(k.stderr(), /TypeError|\n\s+at /);
      assert.equal(code, 0);
    } finally {
      srv.hostile(undefined);
    }
  });
});

describe('credentials without TLS', () => {
  it('an http:// server with a token: one warning naming the server', async () => {
    const list = JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '1' },
      items: [],
    });
    const s = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end((req.url ?? '').includes('watch=') ? '' : list);
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const server = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
      const dir = await mkdtemp(join(tmpdir(), 'kstern-plain-'));
      const cfg = join(dir, 'config');
      await writeFile(
        cfg,
        [
          'apiVersion: v1',
          'kind: Config',
          `clusters: [{name: c, cluster: {server: "${server}"}}]`,
          'users: [{name: u, user: {token: secret-token}}]',
          'contexts: [{name: x, context: {cluster: c, user: u}}]',
          'current-context: x',
        ].join('\n'),
      );
      // --allow-empty: the server has no pods, which is not what this test is about.
      const k = spawnKstern(['web', '--no-follow', '--allow-empty', '--quiet', '--kubeconfig', cfg]);
      const code = await exitWithin(k);
      assert.deepEqual(
        linesOf(k.stderr()).filter((l) => !l.startsWith('kstern: no pod matched')),
        [
          `kstern: warning: credentials for ${server} are sent without TLS (the server URL is http://): anyone on the network path can read them`,
        ],
      );
      assert.equal(code, 0);
      // https (the fake server): no warning.
      const t = spawnKstern(['web', '--no-follow', '--kubeconfig', kubeconfig]);
      assert.equal(await exitWithin(t), 0);
      assert.doesNotMatch(t.stderr(), /without TLS/);
    } finally {
      s.close();
    }
  });
});

describe('EMFILE', () => {
  it('running out of file descriptors over HTTP/1.1 is said once, with the limit and what to do', async () => {
    const h1 = await startFakeApiServer({ http2: false });
    try {
      for (let i = 0; i < 80; i++) {
        h1.createPod({ name: `many-${i}`, containers: ['app'] });
        h1.appendLog('default', `many-${i}`, 'app', `line ${i}`);
      }
      const cfg = await h1.writeKubeconfig();
      const child = spawn(
        'sh',
        [
          '-c',
          'ulimit -n 48 && exec "$0" "$@"',
          process.execPath,
          BIN,
          'many',
          '--max-log-requests',
          '200',
          '--kubeconfig',
          cfg,
        ],
        {
          env: { PATH: process.env['PATH'], HOME: homedir() },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let err = '';
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
      });
      child.stdout.resume();
      const exit = new Promise((r) => child.on('close', r));
      try {
        await until(
          () => /too many open files/.test(err),
          () => `the EMFILE report; stderr:\n${err.slice(-2000)}`,
          20_000,
        );
      } finally {
        child.kill('SIGINT');
        await exit;
      }
      const reports = linesOf(err).filter((l) => /too many open files/.test(l));
      assert.equal(reports.length, 1, err);
      assert.match(
        reports[0]!,
        new RegExp(
          `^kstern: warning: too many open files \\(EMFILE\\): kstern reached the limit of 48 open files \\(ulimit -n\\) opening log streams to ${h1.url}; .*lower --max-log-requests$`,
        ),
      );
      assert.doesNotMatch(err, /\n\s+at /);
    } finally {
      await h1.close();
    }
  });
});
