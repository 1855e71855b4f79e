import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ExecConfig, formatDuration, runExecPlugin } from '../../../src/kube/exec-plugin.ts';

let dir: string;
let plugin: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstern-exec-plugin-'));
  plugin = join(dir, 'echo.mjs');
  // Prints $OUT, or (with ECHO_INFO) the KUBERNETES_EXEC_INFO it was given inside a credential.
  await writeFile(
    plugin,
    `const info = process.env.KUBERNETES_EXEC_INFO;
process.stdout.write(process.env.ECHO_INFO
  ? JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: info } })
  : process.env.OUT);
`,
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const V1 = 'client.authentication.k8s.io/v1';

function run(env: Record<string, string>, extra: ExecConfig = {}) {
  return runExecPlugin(
    {
      apiVersion: V1,
      command: process.execPath,
      args: [plugin],
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      ...extra,
    },
    { env: {}, stdinIsTTY: false, timeoutMs: 20_000, signal: new AbortController().signal },
  );
}

const cred = (status: unknown, apiVersion = V1) =>
  JSON.stringify({ apiVersion, kind: 'ExecCredential', status });

describe('runExecPlugin: what the plugin prints', () => {
  const name = JSON.stringify(process.execPath);
  const cases: { what: string; out: string; error?: string; want?: unknown }[] = [
    { what: 'a token', out: cred({ token: 't' }), want: { token: 't' } },
    {
      what: 'a certificate and key with an expiry',
      out: cred({
        clientCertificateData: 'CERT',
        clientKeyData: 'KEY',
        expirationTimestamp: '2030-01-01T00:00:00Z',
      }),
      want: { cert: 'CERT', key: 'KEY', expiresAt: Date.parse('2030-01-01T00:00:00Z') },
    },
    { what: 'nothing', out: '', error: 'printed invalid JSON on stdout (an ExecCredential was expected)' },
    {
      what: 'another kind',
      out: JSON.stringify({ kind: 'Secret', token: 'sekrit' }),
      error: 'printed JSON that is not an ExecCredential',
    },
    {
      what: 'another apiVersion',
      out: cred({ token: 'sekrit' }, 'client.authentication.k8s.io/v1beta1'),
      error: `returned apiVersion "client.authentication.k8s.io/v1beta1", but the kubeconfig asks for "${V1}"`,
    },
    { what: 'no status', out: cred(undefined), error: 'returned neither a token nor a client certificate' },
    {
      what: 'a certificate without its key',
      out: cred({ clientCertificateData: 'CERT' }),
      error: 'returned a client certificate without its key, or a key without its certificate',
    },
    {
      what: 'a bad expirationTimestamp',
      out: cred({ token: 'sekrit', expirationTimestamp: 'tomorrow' }),
      error: 'returned an invalid expirationTimestamp',
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      if (c.error === undefined) {
        assert.deepEqual(await run({ OUT: c.out }), c.want);
        return;
      }
      await assert.rejects(run({ OUT: c.out }), (e: Error) => {
        assert.equal(e.message, `exec plugin ${name} ${c.error}`);
        assert.ok(!e.message.includes('sekrit'));
        return true;
      });
    });
  }
});

describe('runExecPlugin: KUBERNETES_EXEC_INFO and interactiveMode', () => {
  it('says interactive: false without a terminal, and gives the cluster with provideClusterInfo', async () => {
    const c = await runExecPlugin(
      {
        apiVersion: V1,
        command: process.execPath,
        args: [plugin],
        env: [{ name: 'ECHO_INFO', value: '1' }],
        provideClusterInfo: true,
      },
      {
        env: {},
        stdinIsTTY: false,
        timeoutMs: 20_000,
        signal: new AbortController().signal,
        cluster: {
          name: 'c',
          server: 'https://k:6443',
          caData: Buffer.from('CA').toString('base64'),
          skipTLSVerify: false,
          tlsServerName: 'kubernetes',
        },
      },
    );
    assert.deepEqual(JSON.parse(c.token ?? ''), {
      apiVersion: V1,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        cluster: {
          server: 'https://k:6443',
          'tls-server-name': 'kubernetes',
          'certificate-authority-data': Buffer.from('CA').toString('base64'),
        },
      },
    });
  });

  it('an unknown interactiveMode is an error naming the plugin', async () => {
    await assert.rejects(run({ OUT: '' }, { interactiveMode: 'Sometimes' }), {
      message: `exec plugin ${JSON.stringify(process.execPath)} has an invalid interactiveMode "Sometimes" (Never, IfAvailable or Always)`,
    });
  });
});

describe('formatDuration', () => {
  for (const [ms, want] of [
    [500, '500ms'],
    [1500, '1500ms'],
    [3000, '3s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [300_000, '5m'],
  ] as const) {
    it(`${ms} → ${want}`, () => assert.equal(formatDuration(ms), want));
  }
});
