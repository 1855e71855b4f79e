// Credentials: a 401 in the middle of a run (an expired exec-plugin token) refreshes the credential
// once and retries; only a second 401 is an error.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFakeApiServer } from '../../fake-apiserver/index.ts';
import { isAlive, pluginPid } from '../../support/exec-plugin.ts';
import { runKstern } from '../../support/kstern.ts';
import { until } from '../../support/wait.ts';
import { checkSeq, delay, writeKubeconfig } from './support.ts';

const PLUGIN = `
import { appendFileSync, readFileSync } from 'node:fs';
const [tokenFile, countFile] = process.argv.slice(2);
appendFileSync(countFile, 'x');
process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  kind: 'ExecCredential',
  status: { token: readFileSync(tokenFile, 'utf8').trim() },
}));
`;

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'kstern-exec-'));
  const plugin = join(dir, 'plugin.mjs');
  const tokenFile = join(dir, 'token');
  const countFile = join(dir, 'count');
  await writeFile(plugin, PLUGIN);
  await writeFile(countFile, '');
  const srv = await startFakeApiServer({ token: 'token-1' });
  await writeFile(tokenFile, 'token-1');
  const kubeconfig = await writeKubeconfig(srv, {
    exec: { command: process.execPath, args: [plugin, tokenFile, countFile] },
  });
  const runs = async () => (await readFile(countFile, 'utf8')).length;
  return { srv, kubeconfig, tokenFile, runs };
}

describe('credentials', () => {
  it('an expired token mid-run: one refresh for all streams, no error, no line lost', async () => {
    const { srv, kubeconfig, tokenFile, runs } = await setup();
    const k = runKstern(['cred', '--kubeconfig', kubeconfig]);
    try {
      for (const p of ['cred-1', 'cred-2', 'cred-3']) srv.createPod({ name: p, containers: ['app'] });
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 3, 10_000);
      for (const p of ['cred-1', 'cred-2', 'cred-3']) srv.appendLog('default', p, 'app', `${p}/app seq=1`);
      await k.waitStdout(() => checkSeq(k.lines()).lines === 3, '3 lines');
      assert.equal(await runs(), 1, 'the plugin ran once at start');
      // The token expires: the server now wants token-2, which the plugin hands out from now on.
      await writeFile(tokenFile, 'token-2');
      srv.setToken('token-2');
      srv.dropLogStreams();
      srv.dropWatches();
      for (const p of ['cred-1', 'cred-2', 'cred-3']) srv.appendLog('default', p, 'app', `${p}/app seq=2`);
      await k.waitStdout(() => checkSeq(k.lines()).lines === 6, 'the lines after the refresh', 10_000);
      await delay(200);
      assert.equal(await runs(), 2, 'refreshed exactly once for 3 streams and a watch');
      const r = checkSeq(k.lines());
      assert.deepEqual([r.duplicates, r.losses], [0, 0]);
      assert.equal(k.stderr().includes('Unauthorized'), false, k.stderr());
      assert.ok(
        srv.requests.some((r) => r.status === 401),
        'there was a 401',
      );
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });

  it('a second 401 (the refreshed token is rejected too) is an error, reported once per stream', async () => {
    const { srv, kubeconfig, runs } = await setup();
    const k = runKstern(['cred', '--kubeconfig', kubeconfig]);
    try {
      srv.createPod({ name: 'cred-1', containers: ['app'] });
      await srv.waitFor(() => srv.stats().logStreamsOpen >= 1, 10_000);
      srv.setToken('revoked-for-good');
      srv.dropLogStreams();
      await k.waitStderr(
        (s) => /failed to tail default\/cred-1\/app: Unauthorized, will retry/.test(s),
        'the error',
      );
      await delay(1000);
      assert.equal(k.stderr().split('failed to tail').length - 1, 1, 'reported once');
      assert.ok((await runs()) >= 2, 'it did refresh before giving the error');
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });

  it('a run stopped while the exec plugin still runs (SIGTERM) kills the plugin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstern-exec-'));
    const plugin = join(dir, 'hang.mjs');
    const pidFile = join(dir, 'pid');
    await writeFile(
      plugin,
      `import { writeFileSync } from 'node:fs';
writeFileSync(process.argv[2], String(process.pid));
setInterval(() => {}, 1000);
`,
    );
    const srv = await startFakeApiServer();
    const kubeconfig = await writeKubeconfig(srv, {
      exec: { command: process.execPath, args: [plugin, pidFile] },
    });
    const k = runKstern(['cred', '--kubeconfig', kubeconfig]);
    let pid = 0;
    try {
      pid = await pluginPid(pidFile);
      assert.ok(isAlive(pid));
      k.kill('SIGTERM');
      assert.equal(await k.done, 143);
      await until(() => !isAlive(pid), `plugin process ${pid} to be gone`, 5000);
      assert.equal(k.stderr().includes('    at '), false, k.stderr());
    } finally {
      k.kill();
      await k.done;
      if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
      await srv.close();
    }
  });

  it('a plugin that prints a token instead of an ExecCredential: one line, exit 1, the token not shown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstern-exec-'));
    const plugin = join(dir, 'raw.mjs');
    await writeFile(plugin, `process.stdout.write('eyJhbGciOiJSUzI1NiJ9.kstern-raw-token\\n');\n`);
    const srv = await startFakeApiServer();
    const kubeconfig = await writeKubeconfig(srv, { exec: { command: process.execPath, args: [plugin] } });
    const k = runKstern(['cred', '--kubeconfig', kubeconfig]);
    try {
      assert.equal(await k.done, 1);
      assert.equal(
        k.stderr(),
        `kstern: error: cannot get credentials for user "u": exec plugin "${process.execPath}" printed invalid JSON on stdout (an ExecCredential was expected)\n`,
      );
    } finally {
      await srv.close();
    }
  });
});
