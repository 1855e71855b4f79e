import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeError } from '../../../src/kube/api.ts';
import { KubeAuth } from '../../../src/kube/auth.ts';

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
): Promise<{ auth: KubeAuth; runs: () => Promise<string[]> }> {
  const count = join(dir, `count-${++n}`);
  await writeFile(count, '');
  const file = join(dir, `config-${n}`);
  await writeFile(
    file,
    yaml.dump({
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [
        {
          name: 'u',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: process.execPath,
              args: [plugin],
              env: Object.entries({ COUNT_FILE: count, ...env }).map(([name, value]) => ({ name, value })),
            },
          },
        },
      ],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  const kube = await resolveKubeconfig({ kubeconfigFlag: file, env: {}, homeDir: dir });
  return {
    auth: new KubeAuth(kube.kubeConfig),
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

  it('a failing plugin is a KubeError with the first line of its stderr; the next get() tries again', async () => {
    const { auth } = await execAuth({ FAIL: '1' });
    const err = await auth.get().then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeError);
    assert.equal(err.status, 0);
    assert.equal(
      err.message,
      `cannot get credentials for user "u": ${process.execPath} failed: boom: no credentials`,
    );
    await assert.rejects(auth.get(), KubeError);
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
