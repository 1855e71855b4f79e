import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { type AuthOptions, KubeAuth } from '../../../src/kube/auth.ts';
import { execKubeconfig, isAlive, pluginPid, WRITE_PID, writeNodeScript } from '../../support/exec-plugin.ts';
import { until } from '../../support/wait.ts';

/** The cluster of the exec-plugin kubeconfigs (never contacted: these tests only get credentials). */
const SERVER = 'https://127.0.0.1:6443';
let dir: string;
let plugin: string;
let n = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstern-auth-'));
  plugin = join(dir, 'plugin.mjs');
  // An exec credential plugin that counts its runs (one line per run in $COUNT_FILE).
  await writeFile(
    plugin,
    `import { appendFileSync, readFileSync } from 'node:fs';
const f = process.env.COUNT_FILE;
if (process.env.FAIL) { process.stderr.write('boom: no credentials\\nmore detail\\n'); process.exit(1); }
appendFileSync(f, (process.env.KUBERNETES_EXEC_INFO ?? '-') + '\\n');
const runs = readFileSync(f, 'utf8').trim().split('\\n').length;
const status = { token: 'tok-' + runs };
if (process.env.EXP) status.expirationTimestamp = process.env.EXP;
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }));
`,
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function execAuth(
  env: Record<string, string>,
  opts: AuthOptions = {},
): Promise<{ auth: KubeAuth; runs: () => Promise<string[]> }> {
  const count = join(dir, `count-${++n}`);
  await writeFile(count, '');
  const file = join(dir, `config-${n}`);
  await writeFile(
    file,
    execKubeconfig(SERVER, { command: process.execPath, args: [plugin], env: { COUNT_FILE: count, ...env } }),
  );
  const kube = await resolveKubeconfig({ kubeconfigFlag: file, env: {}, homeDir: dir });
  return {
    auth: new KubeAuth(kube.kubeConfig, opts),
    runs: async () => (await readFile(count, 'utf8')).split('\n').filter((l) => l !== ''),
  };
}

describe('KubeAuth with an exec plugin', () => {
  it('runs the plugin once for concurrent requests and reuses a credential without expiry until invalidated', async () => {
    const { auth, runs } = await execAuth({});
    const all = await Promise.all([auth.get(), auth.get(), auth.get()]);
    assert.deepEqual(
      all.map((c) => c.headers['Authorization']),
      ['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1'],
    );
    assert.equal((await auth.get()).headers['Authorization'], 'Bearer tok-1');
    assert.equal((await runs()).length, 1, 'client-node alone would run it on every request');
    auth.invalidate();
    assert.equal((await auth.get()).headers['Authorization'], 'Bearer tok-2');
    assert.equal((await runs()).length, 2);
  });

  it('reuses a credential until its expirationTimestamp', async () => {
    const { auth, runs } = await execAuth({ EXP: new Date(Date.now() + 3600_000).toISOString() });
    await auth.get();
    await auth.get();
    assert.equal((await runs()).length, 1);
    const { auth: expired, runs: runsExpired } = await execAuth({ EXP: '2000-01-01T00:00:00Z' });
    assert.equal((await expired.get()).headers['Authorization'], 'Bearer tok-1');
    assert.equal((await expired.get()).headers['Authorization'], 'Bearer tok-2');
    assert.equal((await runsExpired()).length, 2);
  });

  it('tells the plugin KUBERNETES_EXEC_INFO', async () => {
    const { auth, runs } = await execAuth({});
    await auth.get();
    const [info] = await runs();
    assert.deepEqual(JSON.parse(info ?? ''), {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
  });

  it('a failing plugin is a KubeError naming it and its exit code, its stderr passed on; the next get() tries again', async () => {
    const stderr: Buffer[] = [];
    const { auth } = await execAuth({ FAIL: '1' }, { execStderr: (b) => stderr.push(b) });
    const err = await auth.get().then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeError);
    assert.equal(err.status, 0);
    assert.equal(
      err.message,
      `cannot get credentials for user "u": exec plugin "${process.execPath}" failed with exit code 1`,
    );
    assert.equal(Buffer.concat(stderr).toString(), 'boom: no credentials\nmore detail\n');
    await assert.rejects(auth.get(), KubeError);
  });
});

/** Writes an executable `#!/usr/bin/env node` script (CommonJS) named `name` into `dir`; returns its path. */
const script = (name: string, body: string) => writeNodeScript(dir, name, body);

const CRED = (token: string) =>
  `JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${token}, ...(process.env.EXP ? { expirationTimestamp: process.env.EXP } : {}) } })`;

/**
 * KubeAuth for a user whose exec plugin is `command` (looked up on PATH = the temp dir + node's dir),
 * with `exec` fields added to its config and $PID_FILE / $COUNT_FILE set for the plugin.
 */
async function pluginAuth(
  command: string,
  exec: Record<string, unknown> = {},
  opts: AuthOptions = {},
  pluginEnv: Record<string, string> = {},
): Promise<{ auth: KubeAuth; pid: () => Promise<number>; runs: () => Promise<number> }> {
  const id = ++n;
  const pidFile = join(dir, `pid-${id}`);
  const countFile = join(dir, `count-${id}`);
  await writeFile(countFile, '');
  const file = join(dir, `config-${id}`);
  await writeFile(
    file,
    execKubeconfig(SERVER, {
      command,
      args: ['--secret-arg=hunter2'],
      interactiveMode: 'Never',
      env: { PID_FILE: pidFile, COUNT_FILE: countFile, ...pluginEnv },
      ...exec,
    }),
  );
  const env = { PATH: `${dir}:${dirname(process.execPath)}` };
  const kube = await resolveKubeconfig({ kubeconfigFlag: file, env, homeDir: dir });
  const auth = new KubeAuth(kube.kubeConfig, { env, stdinIsTTY: false, ...opts });
  return {
    auth,
    pid: () => pluginPid(pidFile),
    runs: async () => (await readFile(countFile, 'utf8')).length,
  };
}

async function failure(p: Promise<unknown>): Promise<KubeError> {
  const e = await p.then(
    () => assert.fail('expected a failure'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof KubeError, `expected a KubeError, got ${String(e)}`);
  return e;
}

/** Each test on its own: a plugin that hangs must fail its test, not the whole suite. */
const T = { timeout: 30_000 };

describe('exec plugins are run safely', () => {
  it(
    'a plugin that hangs is killed after the time limit: one line naming it, the process gone',
    T,
    async () => {
      const hang = await script('hang-plugin', `${WRITE_PID}\nsetInterval(() => {}, 1000);`);
      const { auth, pid } = await pluginAuth(hang, {}, { execTimeoutMs: 3000 });
      const got = failure(auth.get());
      const p = await pid();
      const e = await got;
      assert.equal(
        e.message,
        `cannot get credentials for user "u": exec plugin "${hang}" did not finish within 3s and was stopped`,
      );
      assert.equal(e.code, 'ETIMEDOUT');
      await until(() => !isAlive(p), `plugin process ${p} to be gone`, 5000);
    },
  );

  it('close() (kstern exiting) kills a plugin still running; the pending get() fails', T, async () => {
    const hang = await script('hang-plugin-2', `${WRITE_PID}\nsetInterval(() => {}, 1000);`);
    const { auth, pid } = await pluginAuth(hang);
    const got = failure(auth.get());
    const p = await pid();
    assert.ok(isAlive(p));
    auth.close();
    const e = await got;
    assert.equal(
      e.message,
      `cannot get credentials for user "u": exec plugin "${hang}" was stopped: kstern is exiting`,
    );
    await until(() => !isAlive(p), `plugin process ${p} to be gone`, 5000);
    await failure(auth.get());
  });

  for (const mode of ['Never', 'IfAvailable']) {
    it(`a plugin that reads stdin sees EOF at once (interactiveMode ${mode}, no terminal)`, T, async () => {
      const plugin = await script(
        'stdin-plugin',
        `let n = 0;
process.stdin.on('data', (d) => { n += d.length; });
process.stdin.on('end', () => process.stdout.write(${CRED("'stdin-bytes-' + n")}));`,
      );
      const { auth } = await pluginAuth(plugin, { interactiveMode: mode }, { execTimeoutMs: 20_000 });
      assert.equal((await auth.get()).headers['Authorization'], 'Bearer stdin-bytes-0');
    });
  }

  it(
    'interactiveMode Always without a terminal is an error naming the plugin; it is not run',
    T,
    async () => {
      await script('always-plugin', `require('node:fs').appendFileSync(process.env.COUNT_FILE, 'x');`);
      const { auth, runs } = await pluginAuth('always-plugin', { interactiveMode: 'Always' });
      const e = await failure(auth.get());
      assert.equal(
        e.message,
        'cannot get credentials for user "u": exec plugin "always-plugin" needs a terminal (interactiveMode: Always) but standard input is not one',
      );
      assert.equal(await runs(), 0);
    },
  );

  it(
    'a plugin that prints something other than JSON: the error says so and quotes none of it',
    T,
    async () => {
      const secret = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.kstern-secret-signature';
      const plugin = await script(
        'nonjson-plugin',
        `process.stdout.write(${JSON.stringify(`${secret}\n`)});`,
      );
      const { auth } = await pluginAuth(plugin);
      const e = await failure(auth.get());
      assert.equal(
        e.message,
        `cannot get credentials for user "u": exec plugin "${plugin}" printed invalid JSON on stdout (an ExecCredential was expected)`,
      );
      for (const part of [secret.slice(0, 10), 'c2VjcmV0', 'kstern-secret', 'eyJ', 'hunter2']) {
        assert.ok(!e.message.includes(part), `the message quotes ${part}`);
        assert.ok(!String(e.cause ?? '').includes(part), `the cause quotes ${part}`);
      }
    },
  );

  it('a plugin missing from PATH: the message names it and gives the installHint', T, async () => {
    const { auth } = await pluginAuth('kstern-test-no-such-plugin', {
      installHint: 'Install kstern-test-no-such-plugin with:\n  brew install no-such-plugin\n',
    });
    const e = await failure(auth.get());
    assert.equal(
      e.message,
      'cannot get credentials for user "u": exec plugin "kstern-test-no-such-plugin" was not found (is it installed and on PATH?): Install kstern-test-no-such-plugin with: brew install no-such-plugin',
    );
    assert.equal(e.code, 'ENOENT');
    const { auth: noHint } = await pluginAuth('kstern-test-no-such-plugin');
    assert.equal(
      (await failure(noHint.get())).message,
      'cannot get credentials for user "u": exec plugin "kstern-test-no-such-plugin" was not found (is it installed and on PATH?)',
    );
  });

  it('a good plugin found on PATH runs once and its credential is reused until it expires', T, async () => {
    await script(
      'good-plugin',
      `const fs = require('node:fs');
fs.appendFileSync(process.env.COUNT_FILE, 'x');
const runs = fs.readFileSync(process.env.COUNT_FILE, 'utf8').length;
process.stdout.write(${CRED("'good-' + runs")});`,
    );
    let now = Date.parse('2030-01-01T00:00:00Z');
    const { auth, runs } = await pluginAuth(
      'good-plugin',
      {},
      { now: () => now },
      { EXP: '2030-01-01T01:00:00Z' },
    );
    const all = await Promise.all([auth.get(), auth.get()]);
    assert.deepEqual(
      all.map((c) => c.headers['Authorization']),
      ['Bearer good-1', 'Bearer good-1'],
    );
    now += 59 * 60_000;
    assert.equal((await auth.get()).headers['Authorization'], 'Bearer good-1', 'still valid: not run again');
    now += 60_000;
    assert.equal((await auth.get()).headers['Authorization'], 'Bearer good-2', 'expired: run again');
    assert.equal(await runs(), 2);
  });
});

describe('KubeAuth with an exec plugin handing out a client certificate', () => {
  it('puts the certificate and key in the TLS material, and no Authorization header', async () => {
    const plugin = await script(
      'cert-plugin',
      "process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: 'CERT PEM', clientKeyData: 'KEY PEM' } }));",
    );
    const { auth } = await pluginAuth(plugin);
    const c = await auth.get();
    assert.equal(c.tls.cert, 'CERT PEM');
    assert.equal(c.tls.key, 'KEY PEM');
    assert.equal(c.headers['Authorization'], undefined);
    assert.equal(c.proxyAgent, undefined);
  });
});

describe('KubeAuth with static material', () => {
  it('gives TLS options and headers: CA, skip-verify, tls-server-name, basic auth, impersonation', async () => {
    const file = join(dir, 'static');
    await writeFile(
      file,
      yaml.dump({
        clusters: [
          {
            name: 'c',
            cluster: {
              server: 'https://10.0.0.1:6443',
              'certificate-authority-data': Buffer.from('CA PEM').toString('base64'),
              'tls-server-name': 'kubernetes',
            },
          },
          {
            name: 'insecure',
            cluster: { server: 'https://10.0.0.1:6443', 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 'u', user: { username: 'admin', password: 'pw', as: 'someone' } }],
        contexts: [
          { name: 'x', context: { cluster: 'c', user: 'u' } },
          { name: 'y', context: { cluster: 'insecure' } },
        ],
        'current-context': 'x',
      }),
    );
    const kube = await resolveKubeconfig({ kubeconfigFlag: file, env: {}, homeDir: dir });
    const c = await new KubeAuth(kube.kubeConfig).get();
    assert.equal(String(c.tls.ca), 'CA PEM');
    assert.equal(c.tls.servername, 'kubernetes');
    assert.equal(c.tls.rejectUnauthorized, undefined, 'verification stays on');
    assert.equal(c.headers['Authorization'], `Basic ${Buffer.from('admin:pw').toString('base64')}`);
    assert.equal(c.headers['Impersonate-User'], 'someone');
    const kube2 = await resolveKubeconfig({ kubeconfigFlag: file, contextFlag: 'y', env: {}, homeDir: dir });
    const c2 = await new KubeAuth(kube2.kubeConfig).get();
    assert.equal(c2.tls.rejectUnauthorized, false);
    assert.deepEqual(c2.headers, {});
  });
});
