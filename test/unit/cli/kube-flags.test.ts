// kubectl's connection flags (Config.kube) applied by resolveKubeconfig: which entries they pick and
// which fields they replace, with no kubeconfig at all, and the one-line errors.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import type { KubeOverrides } from '../../../src/config/config.ts';
import { FROM_FLAGS, listContexts, resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { KubeAuth } from '../../../src/kube/auth.ts';
import { UserError } from '../../../src/util/errors.ts';

let dir: string;
let kubeconfig: string;
let ca: string;
let cert: string;
let key: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstern-kube-flags-'));
  ca = join(dir, 'ca.crt');
  cert = join(dir, 'client.crt');
  key = join(dir, 'client.key');
  for (const f of [ca, cert, key]) await writeFile(f, `${f}\n`);
  kubeconfig = join(dir, 'config');
  await writeFile(
    kubeconfig,
    yaml.dump({
      clusters: [
        {
          name: 'prod',
          cluster: {
            server: 'https://prod:6443',
            'certificate-authority-data': Buffer.from('prod-ca').toString('base64'),
            'tls-server-name': 'prod.internal',
          },
        },
        { name: 'staging', cluster: { server: 'https://staging:6443', 'insecure-skip-tls-verify': true } },
      ],
      users: [
        { name: 'alice', user: { token: 'alice-token', as: 'kube-admin', 'as-groups': ['admins'] } },
        {
          name: 'bob',
          user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'bob-auth' } },
        },
      ],
      contexts: [
        { name: 'prod', context: { cluster: 'prod', user: 'alice', namespace: 'shop' } },
        { name: 'staging', context: { cluster: 'staging', user: 'bob' } },
      ],
      'current-context': 'prod',
    }),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

const noHome = () => join(dir, 'no-home');
const withFile = (overrides: KubeOverrides, contextFlag?: string) =>
  resolveKubeconfig({ kubeconfigFlag: kubeconfig, contextFlag, env: {}, homeDir: noHome(), overrides });
const noFile = (overrides: KubeOverrides, contextFlag?: string) =>
  resolveKubeconfig({ contextFlag, env: {}, homeDir: noHome(), overrides });

async function fails(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return e.message;
  }
  assert.fail('expected a failure');
}

describe('kubectl connection flags over a kubeconfig', () => {
  it('without flags nothing changes', async () => {
    const r = await withFile({});
    assert.equal(r.server, 'https://prod:6443');
    assert.equal(r.contextName, 'prod');
    assert.equal(r.namespace, 'shop');
    assert.equal(r.requestTimeoutMs, undefined);
    assert.deepEqual(r.impersonate, { user: 'kube-admin', groups: ['admins'] });
  });

  it('--cluster and --user pick other entries; the context keeps its namespace', async () => {
    const r = await withFile({ cluster: 'staging', user: 'bob' });
    assert.equal(r.server, 'https://staging:6443');
    assert.equal(r.namespace, 'shop');
    assert.equal(r.kubeConfig.getCurrentCluster()?.name, 'staging');
    assert.equal(r.kubeConfig.getCurrentUser()?.name, 'bob');
    assert.equal(r.impersonate, undefined);
  });

  it('--server replaces the URL and drops the entry tls-server-name; --tls-server-name sets it', async () => {
    const r = await withFile({ server: 'https://other:7443/' });
    assert.equal(r.server, 'https://other:7443');
    assert.equal(r.kubeConfig.getCurrentCluster()?.tlsServerName, undefined);
    assert.equal(r.kubeConfig.getCurrentCluster()?.caData, Buffer.from('prod-ca').toString('base64'));
    const s = await withFile({ tlsServerName: 'api.example' });
    assert.equal(s.kubeConfig.getCurrentCluster()?.tlsServerName, 'api.example');
  });

  it('--server without a scheme means https', async () => {
    assert.equal((await withFile({ server: '10.0.0.1:6443' })).server, 'https://10.0.0.1:6443');
  });

  it('--certificate-authority replaces the CA data; --insecure-skip-tls-verify drops the CA', async () => {
    const c = (await withFile({ certificateAuthority: ca })).kubeConfig.getCurrentCluster();
    assert.equal(c?.caFile, ca);
    assert.equal(c?.caData, undefined);
    assert.equal(c?.skipTLSVerify, false);
    const i = (await withFile({ insecureSkipTlsVerify: true })).kubeConfig.getCurrentCluster();
    assert.equal(i?.skipTLSVerify, true);
    assert.equal(i?.caData, undefined);
    assert.equal(i?.caFile, undefined);
  });

  it('--token wins over the user token and over an exec plugin', async () => {
    const a = (await withFile({ token: 't1' })).kubeConfig.getCurrentUser();
    assert.equal(a?.token, 't1');
    const b = (await withFile({ token: 't2' }, 'staging')).kubeConfig.getCurrentUser();
    assert.equal(b?.token, 't2');
    assert.equal(b?.exec, undefined);
  });

  it('--client-certificate / --client-key replace the user certificate (relative to the cwd)', async () => {
    const u = (await withFile({ clientCertificate: cert, clientKey: key })).kubeConfig.getCurrentUser();
    assert.equal(u?.certFile, cert);
    assert.equal(u?.keyFile, key);
    const rel = await fails(withFile({ clientCertificate: 'missing.crt' }));
    assert.equal(rel, `--client-certificate: file "${resolve('missing.crt')}" does not exist`);
  });

  it('--as / --as-group replace the user impersonation and reach the headers', async () => {
    const r = await withFile({ as: 'jane', asGroups: ['dev', 'ops'] });
    assert.deepEqual(r.impersonate, { user: 'jane', groups: ['dev', 'ops'] });
    const creds = await new KubeAuth(r.kubeConfig, { impersonate: r.impersonate }).get();
    assert.equal(creds.headers['Impersonate-User'], 'jane');
    assert.deepEqual(creds.headers['Impersonate-Group'], ['dev', 'ops']);
  });

  it('--request-timeout is carried to the transport', async () => {
    assert.equal((await withFile({ requestTimeoutMs: 1500 })).requestTimeoutMs, 1500);
  });

  it('empty flag values count as not given', async () => {
    const r = await withFile({ server: '', token: '', asGroups: [] });
    assert.equal(r.server, 'https://prod:6443');
    assert.equal(r.kubeConfig.getCurrentUser()?.token, 'alice-token');
  });
});

describe('kubectl connection flags without a kubeconfig', () => {
  it('--server alone is enough (anonymous)', async () => {
    const r = await noFile({ server: 'https://127.0.0.1:6443' });
    assert.equal(r.server, 'https://127.0.0.1:6443');
    assert.equal(r.contextName, FROM_FLAGS);
    assert.equal(r.namespace, 'default');
    assert.deepEqual(r.files, []);
    assert.equal(r.kubeConfig.getCurrentUser(), null);
  });

  it('--server with --token, --certificate-authority and --as', async () => {
    const r = await noFile({
      server: 'https://127.0.0.1:6443',
      token: 'tok',
      certificateAuthority: ca,
      as: 'x',
    });
    assert.equal(r.kubeConfig.getCurrentUser()?.token, 'tok');
    assert.equal(r.kubeConfig.getCurrentCluster()?.caFile, ca);
    assert.deepEqual(r.impersonate, { user: 'x' });
    const creds = await new KubeAuth(r.kubeConfig, { impersonate: r.impersonate }).get();
    assert.equal(creds.headers['Authorization'], 'Bearer tok');
    assert.equal(String(creds.tls.ca), `${ca}\n`);
  });
});

describe('kubectl connection flags: errors', () => {
  const cases: { name: string; run: () => Promise<unknown>; want: string | RegExp }[] = [
    {
      name: 'no kubeconfig and no --server',
      run: () => noFile({ token: 'x' }),
      want: /^no kubeconfig: set --kubeconfig or KUBECONFIG, create .*, or run inside a cluster \(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set\)$/,
    },
    {
      name: 'unknown --cluster',
      run: () => withFile({ cluster: 'nope' }),
      want: /^cluster "nope" given by --cluster is not in the kubeconfig \(".*config"\)$/,
    },
    {
      name: 'unknown --user',
      run: () => withFile({ user: 'nope' }),
      want: /^user "nope" given by --user is not in the kubeconfig/,
    },
    {
      name: '--context unknown even with --server',
      run: () => noFile({ server: 'https://x' }, 'gone'),
      want: 'context "gone" does not exist in the kubeconfig (no kubeconfig file was read)',
    },
    {
      name: 'bad --server',
      run: () => noFile({ server: 'https://exa mple' }),
      want: /^--server has an invalid server URL/,
    },
    {
      name: 'unsupported --server scheme',
      run: () => noFile({ server: 'ftp://x' }),
      want: '--server has an unsupported server URL "ftp://x"',
    },
    {
      name: 'missing --certificate-authority file',
      run: () => noFile({ server: 'https://x', certificateAuthority: '/nonexistent/nope.crt' }),
      want: '--certificate-authority: file "/nonexistent/nope.crt" does not exist',
    },
    {
      name: 'CA together with skip-verify',
      run: () => noFile({ server: 'https://x', certificateAuthority: ca, insecureSkipTlsVerify: true }),
      want: '--certificate-authority and --insecure-skip-tls-verify cannot be used together',
    },
    {
      name: '--as-group without --as',
      run: () => noFile({ server: 'https://x', asGroups: ['g'] }),
      want: '--as-group needs --as: groups are impersonated together with a user',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const msg = await fails(c.run());
      if (typeof c.want === 'string') assert.equal(msg, c.want);
      else assert.match(msg, c.want);
    });
  }
});

describe('listContexts', () => {
  it('lists the context names in file order; none without a kubeconfig', async () => {
    assert.deepEqual(await listContexts({ kubeconfigFlag: kubeconfig, env: {}, homeDir: noHome() }), [
      'prod',
      'staging',
    ]);
    assert.deepEqual(await listContexts({ env: {}, homeDir: noHome() }), []);
  });
});
