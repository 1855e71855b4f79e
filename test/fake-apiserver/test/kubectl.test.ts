// The real kubectl against the fake server, so the fake cannot drift from what clients expect.
// Skipped when kubectl is not on PATH.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../index.ts';
import { LineReader } from './client.ts';

const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const skip = probe.error ? 'kubectl is not on PATH' : false;

describe('kubectl against the fake api server', { skip }, () => {
  let srv: FakeApiServer;
  let kubeconfig: string;
  let cacheDir: string;
  const children = new Set<ChildProcess>();

  before(async () => {
    srv = await startFakeApiServer();
    kubeconfig = await srv.writeKubeconfig();
    cacheDir = await mkdtemp(join(tmpdir(), 'kstern-kubectl-cache-'));
    for (const name of ['service-7d9f8b6c4-abcde', 'service-7d9f8b6c4-fghij']) {
      srv.createPod({
        name,
        labels: { app: 'service', 'pod-template-hash': '7d9f8b6c4' },
        containers: ['server', 'gateway'],
      });
      srv.appendLog('default', name, 'server', [`${name} server 1`, `${name} server 2`]);
      srv.appendLog('default', name, 'gateway', [`${name} gateway 1`]);
    }
    srv.createWorkload('Deployment', { name: 'service', selector: { matchLabels: { app: 'service' } } });
  });
  after(async () => {
    for (const ch of children) ch.kill('SIGKILL');
    await srv.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const args = (a: string[], kc = kubeconfig) => ['--kubeconfig', kc, '--cache-dir', cacheDir, ...a];

  /** Runs kubectl to completion. */
  const run = (a: string[], kc?: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const ch = spawn('kubectl', args(a, kc), { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      ch.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      ch.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const t = setTimeout(() => ch.kill('SIGKILL'), 20_000);
      ch.on('close', (code) => {
        clearTimeout(t);
        resolve({ code, stdout, stderr });
      });
    });

  /** Starts a long-running kubectl; lines of stdout can be awaited. */
  const start = (a: string[]) => {
    const ch = spawn('kubectl', args(a), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(ch);
    let stderr = '';
    ch.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => ch.on('close', resolve));
    const reader = new LineReader(ch.stdout);
    const waitLine = async (re: RegExp, timeoutMs = 15_000): Promise<string> => {
      for (;;) {
        const l = await reader.next(timeoutMs);
        if (l === undefined) throw new Error(`kubectl ended before ${re}; stderr: ${stderr}`);
        if (re.test(l)) return l;
      }
    };
    return { ch, reader, waitLine, exited, stderr: () => stderr };
  };

  test('get pods', async () => {
    const r = await run(['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    assert.match(r.stdout, /service-7d9f8b6c4-abcde\s+2\/2\s+Running\s+0/);
    assert.match(r.stdout, /service-7d9f8b6c4-fghij/);
    const j = await run(['get', 'pods', '-l', 'app=service', '-o', 'json']);
    assert.equal(JSON.parse(j.stdout).items.length, 2);
  });

  test('get pods -w sees a pod created afterwards', async () => {
    const w = start(['get', 'pods', '-w']);
    await w.waitLine(/service-7d9f8b6c4-fghij/);
    srv.createPod({ name: 'late-pod', containers: ['c'] });
    await w.waitLine(/^late-pod\s+1\/1\s+Running/);
    w.ch.kill('SIGTERM');
    await w.exited;
    srv.deletePod('default', 'late-pod');
  });

  test('logs -f sees appended lines and exits when the container terminates', async () => {
    srv.createPod({ name: 'follow-me', containers: ['app'] });
    srv.appendLog('default', 'follow-me', 'app', 'before');
    const f = start(['logs', '-f', 'follow-me']);
    await f.waitLine(/^before$/);
    srv.appendLog('default', 'follow-me', 'app', ['after 1', 'after 2']);
    await f.waitLine(/^after 1$/);
    await f.waitLine(/^after 2$/);
    srv.terminateContainer('default', 'follow-me', 'app', 0);
    assert.equal(await f.exited, 0, f.stderr());
  });

  test('logs --tail=2, --timestamps, --since', async () => {
    const pod = 'service-7d9f8b6c4-abcde';
    const tail = await run(['logs', pod, '-c', 'server', '--tail=1']);
    assert.equal(tail.stdout, `${pod} server 2\n`);
    const ts = await run(['logs', pod, '-c', 'server', '--timestamps']);
    const lines = ts.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z service-/);
    srv.createPod({ name: 'since-pod', containers: ['app'] });
    srv.appendRaw('default', 'since-pod', 'app', Buffer.from('ancient'), '2020-01-01T00:00:00Z');
    srv.appendLog('default', 'since-pod', 'app', 'recent');
    assert.equal((await run(['logs', 'since-pod', '--since=1m'])).stdout, 'recent\n');
    assert.equal(
      (await run(['logs', 'since-pod', '--since-time=2019-12-31T00:00:00Z'])).stdout,
      'ancient\nrecent\n',
    );
    assert.equal((await run(['logs', 'since-pod', '--tail=2'])).stdout, 'ancient\nrecent\n');
  });

  test('logs --previous after a restart', async () => {
    srv.createPod({ name: 'crashy', containers: ['app'] });
    const none = await run(['logs', 'crashy', '--previous']);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /previous terminated container "app" in pod "crashy" not found/);
    srv.appendLog('default', 'crashy', 'app', 'life 1');
    srv.restartContainer('default', 'crashy', 'app');
    srv.appendLog('default', 'crashy', 'app', 'life 2');
    assert.equal((await run(['logs', 'crashy', '--previous'])).stdout, 'life 1\n');
    assert.equal((await run(['logs', 'crashy'])).stdout, 'life 2\n');
    const get = await run(['get', 'pod', 'crashy']);
    assert.match(get.stdout, /crashy\s+1\/1\s+Running\s+1 \(\d+s ago\)/);
  });

  test('logs -l app=service --prefix --all-containers (and -f within --max-log-requests)', async () => {
    const r = await run(['logs', '-l', 'app=service', '--prefix', '--all-containers']);
    assert.equal(r.code, 0, r.stderr);
    const got = r.stdout.trimEnd().split('\n').sort();
    assert.deepEqual(got, [
      '[pod/service-7d9f8b6c4-abcde/gateway] service-7d9f8b6c4-abcde gateway 1',
      '[pod/service-7d9f8b6c4-abcde/server] service-7d9f8b6c4-abcde server 1',
      '[pod/service-7d9f8b6c4-abcde/server] service-7d9f8b6c4-abcde server 2',
      '[pod/service-7d9f8b6c4-fghij/gateway] service-7d9f8b6c4-fghij gateway 1',
      '[pod/service-7d9f8b6c4-fghij/server] service-7d9f8b6c4-fghij server 1',
      '[pod/service-7d9f8b6c4-fghij/server] service-7d9f8b6c4-fghij server 2',
    ]);
    // 4 follow streams (<= the default 5): all open over one HTTP/2 connection
    const before = srv.stats().connections;
    const f = start(['logs', '-f', '-l', 'app=service', '--prefix', '--all-containers', '--tail=0']);
    await srv.waitFor(() => srv.stats().logStreamsOpen === 4, 15_000);
    srv.appendLog('default', 'service-7d9f8b6c4-fghij', 'gateway', 'GET /healthz 200');
    await f.waitLine(/^\[pod\/service-7d9f8b6c4-fghij\/gateway\] GET \/healthz 200$/);
    assert.equal(srv.stats().connections - before, 1, 'kubectl multiplexes its requests over one connection');
    f.ch.kill('SIGTERM');
    await f.exited;
    await srv.waitFor(() => srv.stats().logStreamsOpen === 0);
  });

  test('logs deployment/service resolves the workload selector', async () => {
    const r = await run(['logs', 'deployment/service', '-c', 'gateway']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^service-7d9f8b6c4-\w+ gateway 1\n$/);
  });

  test('error messages as kubectl shows them', async () => {
    const c = await run(['logs', 'service-7d9f8b6c4-abcde', '-c', 'nope']);
    assert.notEqual(c.code, 0);
    assert.match(c.stderr, /container nope is not valid for pod service-7d9f8b6c4-abcde/);
    const raw = await run(['get', '--raw', '/api/v1/namespaces/default/pods/service-7d9f8b6c4-abcde/log']);
    assert.match(
      raw.stderr,
      /Error from server \(BadRequest\): a container name must be specified for pod service-7d9f8b6c4-abcde, choose one of: \[server gateway\]/,
    );
    srv.createPod({ name: 'pending', containers: ['app'], waiting: { app: 'ContainerCreating' } });
    const w = await run(['logs', 'pending']);
    assert.match(
      w.stderr,
      /Error from server \(BadRequest\): container "app" in pod "pending" is waiting to start: ContainerCreating/,
    );
    const nf = await run(['logs', 'nope']);
    assert.match(nf.stderr, /\(NotFound\): pods "nope" not found/);
    srv.denyNamespace('secret');
    const fb = await run(['get', 'pods', '-n', 'secret']);
    assert.match(
      fb.stderr,
      /Error from server \(Forbidden\): pods is forbidden: User ".*" cannot list resource "pods" in API group "" in the namespace "secret"/,
    );
    srv.allowNamespace('secret');
    const bad = await srv.writeKubeconfig({ token: 'wrong' });
    const un = await run(['get', 'pods'], bad);
    assert.match(un.stderr, /You must be logged in to the server \(Unauthorized\)|Unauthorized/);
  });
});
