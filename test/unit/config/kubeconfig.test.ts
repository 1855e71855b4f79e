import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { type KubeconfigInput, resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { UserError } from '../../../src/util/errors.ts';

let dir: string;
let n = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstern-kubeconfig-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Doc {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
  'current-context'?: string;
}

function doc(name: string, server: string, o: { ns?: string; current?: boolean; token?: string } = {}): Doc {
  return {
    clusters: [{ name: `${name}-cluster`, cluster: { server } }],
    users: [{ name: `${name}-user`, user: { token: o.token ?? `${name}-token` } }],
    contexts: [
      {
        name,
        context: { cluster: `${name}-cluster`, user: `${name}-user`, ...(o.ns ? { namespace: o.ns } : {}) },
      },
    ],
    ...(o.current === false ? {} : { 'current-context': name }),
  };
}

async function file(content: Doc | string, sub = `f${++n}`): Promise<string> {
  const d = join(dir, sub);
  await mkdir(d, { recursive: true });
  const f = join(d, 'config');
  await writeFile(f, typeof content === 'string' ? content : yaml.dump(content));
  return f;
}

async function fails(input: KubeconfigInput): Promise<string> {
  try {
    await resolveKubeconfig(input);
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.equal(e.exitCode, 1);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return e.message;
  }
  assert.fail('expected resolveKubeconfig to fail');
}

const home = () => join(dir, 'no-home');

describe('resolveKubeconfig: which files', () => {
  it('--kubeconfig wins over KUBECONFIG and ~/.kube/config', async () => {
    const flag = await file(doc('flag', 'https://flag:6443'));
    const env = await file(doc('env', 'https://env:6443'));
    const r = await resolveKubeconfig({ kubeconfigFlag: flag, env: { KUBECONFIG: env }, homeDir: home() });
    assert.equal(r.contextName, 'flag');
    assert.equal(r.server, 'https://flag:6443');
    assert.deepEqual(r.files, [flag]);
  });

  it('KUBECONFIG wins over ~/.kube/config', async () => {
    const h = join(dir, 'home1');
    await file(doc('home', 'https://home:6443'), 'home1/.kube');
    const env = await file(doc('env', 'https://env:6443'));
    const r = await resolveKubeconfig({ env: { KUBECONFIG: env }, homeDir: h });
    assert.equal(r.contextName, 'env');
  });

  it('falls back to ~/.kube/config', async () => {
    const h = join(dir, 'home2');
    const f = await file(doc('home', 'https://home:6443/'), 'home2/.kube');
    const r = await resolveKubeconfig({ env: {}, homeDir: h });
    assert.equal(r.contextName, 'home');
    assert.equal(r.server, 'https://home:6443');
    assert.deepEqual(r.files, [f]);
    assert.equal(r.kubeConfig.getCurrentContext(), 'home');
    assert.equal(r.kubeConfig.getCurrentUser()?.token, 'home-token');
  });

  it('an empty KUBECONFIG is ignored', async () => {
    const h = join(dir, 'home3');
    await file(doc('home', 'https://home:6443'), 'home3/.kube');
    const r = await resolveKubeconfig({ env: { KUBECONFIG: '' }, homeDir: h });
    assert.equal(r.contextName, 'home');
  });

  it('merges KUBECONFIG in order: first definition of a name and first current-context win', async () => {
    const a: Doc = {
      clusters: [{ name: 'shared', cluster: { server: 'https://a:6443' } }],
      users: [{ name: 'u', user: { token: 'a-token' } }],
      contexts: [{ name: 'ctx-a', context: { cluster: 'shared', user: 'u' } }],
    };
    const b: Doc = {
      clusters: [
        { name: 'shared', cluster: { server: 'https://b:6443' } },
        { name: 'only-b', cluster: { server: 'https://only-b:6443' } },
      ],
      users: [{ name: 'u', user: { token: 'b-token' } }],
      contexts: [
        { name: 'ctx-b', context: { cluster: 'only-b', user: 'u', namespace: 'bns' } },
        { name: 'ctx-a', context: { cluster: 'only-b', user: 'u' } },
      ],
      'current-context': 'ctx-b',
    };
    const c: Doc = { ...doc('c', 'https://c:6443'), 'current-context': 'c' };
    const fa = await file(a);
    const fb = await file(b);
    const fc = await file(c);
    const missing = join(dir, 'missing', 'config');
    const env = { KUBECONFIG: [fa, missing, fb, fc].join(':') };
    const r = await resolveKubeconfig({ env, homeDir: home() });
    assert.deepEqual(r.files, [fa, fb, fc]);
    assert.equal(r.contextName, 'ctx-b', 'current-context from the first file that sets it');
    assert.equal(r.namespace, 'bns');
    assert.equal(r.server, 'https://only-b:6443');
    assert.equal(r.kubeConfig.getCurrentUser()?.token, 'a-token', 'user "u" from the first file');

    const r2 = await resolveKubeconfig({ env, homeDir: home(), contextFlag: 'ctx-a' });
    assert.equal(r2.server, 'https://a:6443', 'context and cluster "shared" from the first file');
    assert.equal(r2.namespace, 'default');
  });

  it('--context selects another context', async () => {
    const f = await file({
      ...doc('one', 'https://one:6443'),
      contexts: [
        { name: 'one', context: { cluster: 'one-cluster', user: 'one-user' } },
        { name: 'two', context: { cluster: 'one-cluster', user: 'one-user', namespace: 'kube-system' } },
      ],
    });
    const r = await resolveKubeconfig({ kubeconfigFlag: f, contextFlag: 'two', env: {}, homeDir: home() });
    assert.equal(r.contextName, 'two');
    assert.equal(r.namespace, 'kube-system');
    assert.equal(r.kubeConfig.getCurrentContext(), 'two');
  });

  it('resolves relative certificate and token paths against the kubeconfig directory', async () => {
    const f = await file(
      {
        clusters: [{ name: 'c', cluster: { server: 'https://x:6443', 'certificate-authority': 'ca.crt' } }],
        users: [
          {
            name: 'u',
            user: { 'client-certificate': 'sub/u.crt', 'client-key': 'u.key', 'token-file': 'tok' },
          },
        ],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      },
      'rel',
    );
    const d = join(dir, 'rel');
    await mkdir(join(d, 'sub'), { recursive: true });
    for (const p of ['ca.crt', 'sub/u.crt', 'u.key', 'tok']) await writeFile(join(d, p), 'x\n');
    const r = await resolveKubeconfig({ kubeconfigFlag: f, env: {}, homeDir: home() });
    const cl = r.kubeConfig.getCurrentCluster();
    const u = r.kubeConfig.getCurrentUser();
    assert.equal(cl?.caFile, join(d, 'ca.crt'));
    assert.equal(u?.certFile, join(d, 'sub/u.crt'));
    assert.equal(u?.keyFile, join(d, 'u.key'));
    assert.deepEqual(u?.authProvider, { name: 'tokenFile', config: { tokenFile: join(d, 'tok') } });
  });

  it('resolves a relative exec command against the kubeconfig folder (the plugin gets KUBERNETES_EXEC_INFO when run: auth.test.ts)', async () => {
    const f = await file({
      clusters: [{ name: 'c', cluster: { server: 'https://x:6443' } }],
      users: [
        {
          name: 'u',
          user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/plug' } },
        },
      ],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    const r = await resolveKubeconfig({ kubeconfigFlag: f, env: {}, homeDir: home() });
    const exec = r.kubeConfig.getCurrentUser()?.exec as { command: string; env?: unknown };
    assert.equal(exec.command, join(f, '..', 'bin/plug'));
    assert.equal(exec.env, undefined, 'the kubeconfig is passed on as written');
  });
});

describe('resolveKubeconfig: errors', () => {
  it('--kubeconfig naming a missing file', async () => {
    const f = join(dir, 'nope', 'config');
    assert.equal(
      await fails({ kubeconfigFlag: f, env: {}, homeDir: home() }),
      `kubeconfig file "${f}" does not exist`,
    );
  });

  it('no kubeconfig at all', async () => {
    const msg = await fails({ env: {}, homeDir: home() });
    assert.equal(
      msg,
      `no kubeconfig: set --kubeconfig or KUBECONFIG, create ${join(home(), '.kube', 'config')}, or run inside a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)`,
    );
    const missing = join(dir, 'missing1');
    const msg2 = await fails({ env: { KUBECONFIG: missing }, homeDir: home() });
    assert.match(msg2, /^no kubeconfig: none of the KUBECONFIG files exist \(.*missing1\)/);
  });

  it('a directory instead of a file', async () => {
    const d = join(dir, 'isdir');
    await mkdir(d, { recursive: true });
    const msg = await fails({ kubeconfigFlag: d, env: {}, homeDir: home() });
    assert.match(msg, new RegExp(`^cannot read kubeconfig "${d}": EISDIR`));
  });

  it('invalid YAML', async () => {
    const f = await file('clusters: [\n  - name: a\n   bad: : :\n');
    const msg = await fails({ kubeconfigFlag: f, env: {}, homeDir: home() });
    assert.match(msg, new RegExp(`^kubeconfig "${f}" is not valid YAML: \\S`));
  });

  it('not a mapping / lists that are not lists', async () => {
    const f = await file('- a\n- b\n');
    assert.match(await fails({ kubeconfigFlag: f, env: {}, homeDir: home() }), /is not valid: the top level/);
    const g = await file('clusters: 3\n');
    assert.match(await fails({ kubeconfigFlag: g, env: {}, homeDir: home() }), /"clusters" must be a list/);
  });

  const cases: { name: string; doc: Doc; context?: string; want: RegExp }[] = [
    {
      name: 'unknown --context',
      doc: doc('a', 'https://a'),
      context: 'foo',
      want: /^context "foo" does not exist in the kubeconfig \(".*"\)$/,
    },
    {
      name: 'current-context naming a missing context',
      doc: { ...doc('a', 'https://a'), 'current-context': 'gone' },
      want: /^context "gone" does not exist in the kubeconfig/,
    },
    {
      name: 'no current context',
      doc: doc('a', 'https://a', { current: false }),
      want: /^no context is set: use --context or set current-context in the kubeconfig/,
    },
    {
      name: 'context without a cluster',
      doc: { ...doc('a', 'https://a'), contexts: [{ name: 'a', context: { user: 'a-user' } }] },
      want: /^context "a" has no cluster/,
    },
    {
      name: 'context naming a missing cluster',
      doc: {
        ...doc('a', 'https://a'),
        contexts: [{ name: 'a', context: { cluster: 'zz', user: 'a-user' } }],
      },
      want: /^cluster "zz" named by context "a" is not in the kubeconfig/,
    },
    {
      name: 'cluster without a server',
      doc: { ...doc('a', 'https://a'), clusters: [{ name: 'a-cluster', cluster: {} }] },
      want: /^cluster "a-cluster" has no server/,
    },
    {
      name: 'cluster with a bad server URL',
      doc: doc('a', 'not a url'),
      want: /^cluster "a-cluster" has an invalid server URL "not a url"/,
    },
    {
      name: 'context naming a missing user',
      doc: { ...doc('a', 'https://a'), users: [] },
      want: /^user "a-user" named by context "a" is not in the kubeconfig/,
    },
    {
      name: 'missing certificate-authority file',
      doc: {
        ...doc('a', 'https://a'),
        clusters: [
          { name: 'a-cluster', cluster: { server: 'https://a', 'certificate-authority': 'no-ca.crt' } },
        ],
      },
      want: /^certificate-authority of cluster "a-cluster": file ".*no-ca\.crt" does not exist$/,
    },
    {
      name: 'missing token-file',
      doc: {
        ...doc('a', 'https://a'),
        users: [{ name: 'a-user', user: { 'token-file': '/no/such/token' } }],
      },
      want: /^token-file of user "a-user": file "\/no\/such\/token" does not exist$/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const f = await file(c.doc);
      const msg = await fails({ kubeconfigFlag: f, contextFlag: c.context, env: {}, homeDir: home() });
      assert.match(msg, c.want);
    });
  }

  it('an empty file has no context', async () => {
    const f = await file('');
    assert.match(await fails({ kubeconfigFlag: f, env: {}, homeDir: home() }), /^no context is set/);
  });

  it('a broken entry that is not used does not matter', async () => {
    const f = await file({
      ...doc('a', 'https://a'),
      clusters: [
        { name: 'a-cluster', cluster: { server: 'https://a' } },
        { name: 'broken', cluster: {} },
      ],
      users: [
        { name: 'a-user', user: { token: 't' } },
        { name: 'other', user: { 'token-file': '/no/such' } },
      ],
    });
    const r = await resolveKubeconfig({ kubeconfigFlag: f, env: {}, homeDir: home() });
    assert.equal(r.server, 'https://a');
  });
});

describe('resolveKubeconfig: in-cluster configuration', () => {
  /** A service account directory with `files` (token, ca.crt, namespace). */
  async function saDir(files: Record<string, string>): Promise<string> {
    const d = join(dir, `sa${++n}`);
    await mkdir(d, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text);
    return d;
  }
  const podEnv = (sa: string, more: Record<string, string> = {}) => ({
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KSTERN_SERVICEACCOUNT_DIR: sa,
    ...more,
  });

  it('with no kubeconfig: the service account (server, token file, CA, namespace)', async () => {
    const sa = await saDir({ token: 'sa-token\n', 'ca.crt': 'CA', namespace: 'ci-runners\n' });
    const r = await resolveKubeconfig({ env: podEnv(sa), homeDir: home() });
    assert.equal(r.server, 'https://10.96.0.1:443');
    assert.equal(r.namespace, 'ci-runners');
    assert.equal(r.contextName, 'in-cluster');
    assert.equal(r.inCluster, sa);
    assert.deepEqual(r.files, []);
    const cluster = r.kubeConfig.getCurrentCluster();
    assert.equal(cluster?.caFile, join(sa, 'ca.crt'));
    const user = r.kubeConfig.getCurrentUser() as { authProvider?: { config?: { tokenFile?: string } } };
    assert.equal(user.authProvider?.config?.tokenFile, join(sa, 'token'));
  });

  it('POD_NAMESPACE wins over the namespace file; no namespace at all is default; an IPv6 host', async () => {
    const sa = await saDir({ token: 't', namespace: 'from-file' });
    const r = await resolveKubeconfig({ env: podEnv(sa, { POD_NAMESPACE: 'from-env' }), homeDir: home() });
    assert.equal(r.namespace, 'from-env');
    const bare = await saDir({ token: 't' });
    const r2 = await resolveKubeconfig({
      env: podEnv(bare, { KUBERNETES_SERVICE_HOST: 'fd00::1' }),
      homeDir: home(),
    });
    assert.equal(r2.namespace, 'default');
    assert.equal(r2.server, 'https://[fd00::1]:443');
    assert.equal(r2.kubeConfig.getCurrentCluster()?.caFile, undefined, 'no ca.crt: the system CAs');
  });

  it('precedence: --kubeconfig, KUBECONFIG and ~/.kube/config all win over in-cluster', async () => {
    const sa = await saDir({ token: 't' });
    const flag = await file(doc('flag', 'https://flag'));
    const env = await file(doc('env', 'https://env'));
    const h = join(dir, `home${++n}`);
    await mkdir(join(h, '.kube'), { recursive: true });
    await writeFile(join(h, '.kube', 'config'), yaml.dump(doc('home', 'https://home')));
    const r1 = await resolveKubeconfig({
      kubeconfigFlag: flag,
      env: podEnv(sa, { KUBECONFIG: env }),
      homeDir: h,
    });
    assert.equal(r1.server, 'https://flag');
    const r2 = await resolveKubeconfig({ env: podEnv(sa, { KUBECONFIG: env }), homeDir: h });
    assert.equal(r2.server, 'https://env');
    const r3 = await resolveKubeconfig({ env: podEnv(sa), homeDir: h });
    assert.equal(r3.server, 'https://home');
    assert.equal(r3.inCluster, undefined);
    // A --kubeconfig that does not exist is an error, not a fall-back to the service account.
    const missing = join(dir, 'missing-flag');
    assert.equal(
      await fails({ kubeconfigFlag: missing, env: podEnv(sa), homeDir: home() }),
      `kubeconfig file "${missing}" does not exist`,
    );
  });

  it('the connection flags apply on top (--token); with --server it is not in-cluster', async () => {
    const sa = await saDir({ token: 't', namespace: 'ns' });
    const t = await resolveKubeconfig({
      env: podEnv(sa),
      homeDir: home(),
      overrides: { token: 'flag-token' },
    });
    assert.equal(t.server, 'https://10.96.0.1:443');
    assert.equal(t.kubeConfig.getCurrentUser()?.token, 'flag-token');
    const r = await resolveKubeconfig({
      env: podEnv(sa),
      homeDir: home(),
      overrides: { server: 'https://elsewhere:6443', token: 'x' },
    });
    assert.equal(r.server, 'https://elsewhere:6443');
    assert.equal(r.inCluster, undefined);
  });

  it('errors: a missing token file names it; only one of the two variables set', async () => {
    const sa = await saDir({ 'ca.crt': 'CA' });
    assert.equal(
      await fails({ env: podEnv(sa), homeDir: home() }),
      `in-cluster configuration (KUBERNETES_SERVICE_HOST is set): cannot read the service account token "${join(sa, 'token')}": no such file`,
    );
    assert.match(
      await fails({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, homeDir: home() }),
      /, or run inside a cluster \(KUBERNETES_SERVICE_PORT is not set\)$/,
    );
  });
});
