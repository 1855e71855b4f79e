// The whole pipeline in-process (main() with captured streams) against the fake API server:
// namespaces, selectors, container selection, colour decisions and byte-exact line handling.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { type InProcess, runKstern } from '../support/kstern.ts';

const plus = (s: string) => s.split('\n').filter((l) => l.startsWith('+ '));

async function finish(k: InProcess): Promise<number> {
  k.kill('SIGINT');
  return k.done;
}

describe('pipeline against the fake API server', () => {
  let srv: FakeApiServer;
  let kc: string;
  before(async () => {
    srv = await startFakeApiServer();
    kc = await srv.writeKubeconfig({ namespace: 'shop' });
    srv.createPod({ namespace: 'shop', name: 'web-1', labels: { app: 'web' }, containers: ['app'] });
    srv.createPod({ namespace: 'shop', name: 'worker-1', labels: { app: 'worker' }, containers: ['app'] });
    srv.createPod({
      namespace: 'shop',
      name: 'api-1',
      labels: { app: 'api' },
      initContainers: ['migrate'],
      containers: ['server', 'envoy'],
    });
    srv.createPod({ namespace: 'billing', name: 'web-2', labels: { app: 'web' }, containers: ['app'] });
    srv.appendLog('shop', 'web-1', 'app', 'shop web');
    srv.appendLog('billing', 'web-2', 'app', 'billing web');
    srv.appendLog('shop', 'worker-1', 'app', 'working');
    srv.appendLog('shop', 'api-1', 'migrate', 'migrated 3 tables');
    srv.appendLog('shop', 'api-1', 'server', 'serving');
    srv.appendLog('shop', 'api-1', 'envoy', 'proxying');
  });
  after(() => srv.close());

  it("uses the context's namespace and no namespace column for one namespace", async () => {
    const k = runKstern(['web', '--kubeconfig', kc]);
    await k.waitStdout((s) => s.includes('shop web'), 'the shop line');
    assert.equal(k.stdout(), 'web-1 app shop web\n');
    assert.deepEqual(plus(k.stderr()), ['+ web-1 › app']);
    assert.equal(await finish(k), 130);
  });

  it('adds the namespace in front with several namespaces (-n a,b) and with -A', async () => {
    for (const args of [['-n', 'shop,billing'], ['-n', 'shop', '-n', 'billing'], ['-A']]) {
      const k = runKstern(['web', '--kubeconfig', kc, ...args]);
      await k.waitStdout((s) => s.split('\n').length === 3, `two lines with ${args.join(' ')}`);
      assert.deepEqual(k.lines().sort(), ['billing web-2 app billing web', 'shop web-1 app shop web']);
      await k.waitStderr((s) => plus(s).length === 2, 'two attach lines');
      assert.deepEqual(plus(k.stderr()).sort(), ['+ billing web-2 › app', '+ shop web-1 › app']);
      await finish(k);
      assert.match(k.stderr(), /^- shop web-1 › app$/m);
    }
  });

  it('passes -l and --field-selector to the server', async () => {
    const from = srv.requests.length;
    const k = runKstern([
      '--kubeconfig',
      kc,
      '-l',
      'app in (worker)',
      '--field-selector',
      'spec.nodeName=node-1',
    ]);
    await k.waitStdout((s) => s.includes('working'), 'the worker line');
    assert.equal(k.stdout(), 'worker-1 app working\n');
    await finish(k);
    const list = srv.requests
      .slice(from)
      .find((r) => r.path === '/api/v1/namespaces/shop/pods' && !r.query['watch']);
    assert.equal(list?.query['labelSelector'], 'app in (worker)');
    assert.equal(list?.query['fieldSelector'], 'spec.nodeName=node-1');
  });

  it('tails init containers (finished ones too) unless told not to, and filters with -c / -E', async () => {
    const all = runKstern(['api', '--kubeconfig', kc]);
    await all.waitStdout((s) => s.split('\n').length === 4, 'three lines');
    assert.deepEqual(all.lines().sort(), [
      'api-1 envoy proxying',
      'api-1 migrate migrated 3 tables',
      'api-1 server serving',
    ]);
    // The init container has terminated: its stream ends for good and it is detached.
    await all.waitStderr((s) => s.includes('- api-1 › migrate'), 'the init container detached');
    await finish(all);

    const some = runKstern(['api', '--kubeconfig', kc, '--init-containers=false', '-c', 'e', '-E', '^env']);
    await some.waitStdout((s) => s.includes('serving'), 'the server line');
    assert.equal(some.stdout(), 'api-1 server serving\n');
    assert.deepEqual(plus(some.stderr()), ['+ api-1 › server']);
    await finish(some);
  });

  it('prints no attach or detach lines with --only-log-lines', async () => {
    const k = runKstern(['worker', '--kubeconfig', kc, '--only-log-lines']);
    await k.waitStdout((s) => s.includes('working'), 'the line');
    assert.equal(await finish(k), 130);
    assert.equal(k.stderr(), '');
  });

  const colourCases: {
    name: string;
    tty: boolean;
    env: Record<string, string>;
    args: string[];
    colour: boolean;
  }[] = [
    { name: 'a terminal', tty: true, env: {}, args: [], colour: true },
    { name: 'a pipe', tty: false, env: {}, args: [], colour: false },
    { name: 'a terminal with NO_COLOR', tty: true, env: { NO_COLOR: '1' }, args: [], colour: false },
    { name: 'a terminal with TERM=dumb', tty: true, env: { TERM: 'dumb' }, args: [], colour: false },
    { name: 'a pipe with FORCE_COLOR', tty: false, env: { FORCE_COLOR: '1' }, args: [], colour: true },
    { name: 'a pipe with --color always', tty: false, env: {}, args: ['--color', 'always'], colour: true },
    { name: 'a terminal with --color never', tty: true, env: {}, args: ['--color', 'never'], colour: false },
  ];
  for (const c of colourCases) {
    it(`colours ${c.colour ? '' : 'nothing '}on ${c.name}`, async () => {
      const k = runKstern(['worker', '--kubeconfig', kc, ...c.args], { tty: c.tty, env: c.env });
      await k.waitStdout((s) => s.includes('working'), 'the line');
      await finish(k);
      assert.equal(k.stdoutBytes().includes(0x1b), c.colour, k.stdout());
      assert.equal(k.stderr().includes('\x1b['), c.colour);
    });
  }
});

describe('line handling, byte for byte', () => {
  it('reassembles and passes through what the container wrote', async () => {
    const srv = await startFakeApiServer();
    try {
      const kc = await srv.writeKubeconfig();
      srv.createPod({ name: 'bytes', containers: ['c'] });
      const big = Buffer.alloc(1024 * 1024 + 7, 'x');
      const invalid = Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x00, 0x6f, 0xc3]);
      srv.appendRaw('default', 'bytes', 'c', Buffer.from('windows line\r'));
      srv.appendRaw('default', 'bytes', 'c', invalid);
      srv.appendRaw('default', 'bytes', 'c', big);
      srv.appendRaw('default', 'bytes', 'c', Buffer.from('   indented\ttab'));
      const k = runKstern(['bytes', '--kubeconfig', kc]);
      await k.waitStdout((s) => s.includes('indented'), 'the last line');
      const want = Buffer.concat([
        Buffer.from('bytes c windows line\n'),
        Buffer.from('bytes c '),
        invalid,
        Buffer.from('\nbytes c '),
        big,
        Buffer.from('\nbytes c    indented\ttab\n'),
      ]);
      assert.ok(k.stdoutBytes().equals(want), 'byte-exact output');
      await finish(k);
    } finally {
      await srv.close();
    }
  });
});

describe('kubeconfig from the environment', () => {
  it('merges KUBECONFIG in order, skipping missing files: the first file to set a name wins', async () => {
    const srv = await startFakeApiServer();
    try {
      srv.createPod({ namespace: 'team', name: 'env-1', containers: ['c'] });
      srv.appendLog('team', 'env-1', 'c', 'found via KUBECONFIG');
      const full = yaml.load(srv.kubeconfig({ namespace: 'team' })) as {
        clusters: { name: string; cluster: Record<string, unknown> }[];
        users: { name: string; user: Record<string, unknown> }[];
        contexts: { name: string; context: Record<string, unknown> }[];
        'current-context': string;
      };
      const dir = await mkdtemp(join(tmpdir(), 'kstern-kc-'));
      // The first file: the cluster, the context and current-context, but no user.
      const first = join(dir, 'first');
      await writeFile(
        first,
        yaml.dump({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: full.clusters,
          contexts: full.contexts,
          'current-context': full['current-context'],
        }),
      );
      // The second: the user, plus a cluster of the same name pointing nowhere and another current-context,
      // both of which lose to the first file.
      const second = join(dir, 'second');
      await writeFile(
        second,
        yaml.dump({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: full.clusters.map((c) => ({ name: c.name, cluster: { server: 'https://127.0.0.1:1' } })),
          users: full.users,
          contexts: [{ name: 'elsewhere', context: { cluster: 'nowhere', user: 'nobody' } }],
          'current-context': 'elsewhere',
        }),
      );
      const k = runKstern(['env', '--no-follow'], {
        env: { KUBECONFIG: [join(dir, 'missing'), first, second].join(':') },
      });
      assert.equal(await k.done, 0, k.stderr());
      assert.deepEqual(k.lines(), ['env-1 c found via KUBECONFIG']);
    } finally {
      await srv.close();
    }
  });

  it('works over HTTP/1.1 when the server does not offer h2', async () => {
    const srv = await startFakeApiServer({ http2: false });
    try {
      srv.createPod({ name: 'old-1', containers: ['a', 'b'] });
      srv.appendLog('default', 'old-1', 'a', 'over http/1.1');
      srv.appendLog('default', 'old-1', 'b', 'also');
      const k = runKstern(['old', '--kubeconfig', await srv.writeKubeconfig()]);
      await k.waitStdout((s) => s.includes('over http/1.1') && s.includes('also'), 'both lines');
      assert.ok(srv.requests.every((r) => r.httpVersion.startsWith('1.')));
      await finish(k);
    } finally {
      await srv.close();
    }
  });
});
