// `kstern __complete`: words → candidates, with a fake Lister in place of the cluster.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete, type Lister, scan } from '../../../src/cli/complete.ts';
import { completionScript } from '../../../src/cli/completion.ts';
import { OPTIONS } from '../../../src/cli/options.ts';

interface Call {
  what: string;
  namespace?: string | null | undefined;
}

function fakeLister(o: { fail?: boolean } = {}): Lister & { calls: Call[] } {
  const calls: Call[] = [];
  const pods: Record<string, string[]> = { default: ['web-1', 'web-2', 'db-0'], shop: ['cart-1'] };
  const deployments: Record<string, string[]> = { default: ['web', 'worker'], shop: ['cart'] };
  const guard = () => {
    if (o.fail) throw new Error('no cluster');
  };
  return {
    calls,
    async contexts() {
      calls.push({ what: 'contexts' });
      return ['prod', 'staging'];
    },
    async namespaces() {
      calls.push({ what: 'namespaces' });
      guard();
      return ['default', 'kube-system', 'shop'];
    },
    async nodes() {
      calls.push({ what: 'nodes' });
      guard();
      return ['node-1', 'node-2'];
    },
    async names(kind, namespace) {
      calls.push({ what: kind, namespace });
      guard();
      const table = kind === 'pod' ? pods : kind === 'deployment' ? deployments : {};
      if (namespace === null) return Object.values(table).flat();
      return table[namespace ?? 'default'] ?? [];
    },
  };
}

const c = (line: string, lister = fakeLister()) => {
  const words = line.split(' ');
  return complete(words, lister);
};

describe('__complete: flag names', () => {
  it('offers every visible long flag for "--", none of the hidden kubectl flags', async () => {
    const got = await c('--');
    const visible = OPTIONS.filter((o) => !o.hidden).map((o) => `--${o.long}`);
    for (const f of visible) assert.ok(got.includes(f), f);
    for (const f of ['--token', '--server', '--as', '--cluster', '--request-timeout'])
      assert.ok(!got.includes(f), f);
    assert.ok(got.includes('--help'));
  });

  it('filters by prefix; a single "-" offers short flags too', async () => {
    assert.deepEqual(await c('--col'), ['--color']);
    assert.deepEqual(await c('--container-'), ['--container-colors', '--container-state']);
    const dash = await c('-');
    assert.ok(dash.includes('-n') && dash.includes('-A') && dash.includes('--namespace'));
  });
});

describe('__complete: flag values', () => {
  const enums: [string, string[]][] = [
    ['--color', ['always', 'never', 'auto']],
    ['--completion', ['bash', 'zsh', 'fish']],
    ['--container-state', ['running', 'waiting', 'terminated', 'all']],
    ['--output', ['default', 'raw', 'json', 'extjson', 'ppextjson']],
    ['-o', ['default', 'raw', 'json', 'extjson', 'ppextjson']],
  ];
  for (const [flag, values] of enums) {
    it(`${flag} <value>`, async () => assert.deepEqual(await c(`${flag} `), values));
  }

  it('--flag=value forms keep the flag in the candidate', async () => {
    assert.deepEqual(await c('--color=al'), ['--color=always']);
    assert.deepEqual(await c('--timestamps='), ['--timestamps=default', '--timestamps=short']);
    assert.deepEqual(await c('-o=j'), ['-o=json']);
  });

  it('a bare --timestamps takes no value: the next word is the query', async () => {
    assert.deepEqual(await c('--timestamps dep'), ['deployment/']);
  });

  it('lists continue after the last comma, without repeating', async () => {
    assert.deepEqual(await c('--container-state running,'), [
      'running,waiting',
      'running,terminated',
      'running,all',
    ]);
    assert.deepEqual(await c('-n default,s'), ['default,shop']);
  });

  it('--namespace, --node and --context come from the lister', async () => {
    assert.deepEqual(await c('-n '), ['default', 'kube-system', 'shop']);
    assert.deepEqual(await c('--namespace k'), ['kube-system']);
    assert.deepEqual(await c('--node '), ['node-1', 'node-2']);
    assert.deepEqual(await c('--context s'), ['staging']);
  });

  it('free-text and path flags have no candidates (the shell completes file names)', async () => {
    assert.deepEqual(await c('--kubeconfig '), []);
    assert.deepEqual(await c('--since '), []);
    assert.deepEqual(await c('--server '), []);
  });
});

describe('__complete: the query', () => {
  it('offers <kind>/ prefixes and the pod names of the namespace', async () => {
    const l = fakeLister();
    const got = await c('', l);
    assert.deepEqual(got.slice(0, 3), ['cronjob/', 'daemonset/', 'deployment/']);
    assert.deepEqual(got.slice(-3), ['db-0', 'web-1', 'web-2']);
    assert.deepEqual(l.calls, [{ what: 'pod', namespace: undefined }]);
    assert.deepEqual(await c('we'), ['web-1', 'web-2']);
    assert.deepEqual(await c('-n shop c'), ['cronjob/', 'cart-1']);
  });

  it('after <kind>/ lists the objects of that kind in the -n namespace (aliases kept as typed)', async () => {
    const l = fakeLister();
    assert.deepEqual(await c('-n shop deployment/', l), ['deployment/cart']);
    assert.deepEqual(l.calls, [{ what: 'deployment', namespace: 'shop' }]);
    assert.deepEqual(await c('deploy/w'), ['deploy/web', 'deploy/worker']);
    assert.deepEqual(await c('--namespace=default deployment/wo'), ['deployment/worker']);
  });

  it('refuses object names with several namespaces or -A, and unknown kinds', async () => {
    const l = fakeLister();
    assert.deepEqual(await c('-n default -n shop deployment/', l), []);
    assert.deepEqual(await c('-A deployment/', l), []);
    assert.deepEqual(await c('-n a,b deployment/', l), []);
    assert.deepEqual(await c('frobnicator/', l), []);
    assert.deepEqual(l.calls, []);
  });

  it('nothing after the first positional argument', async () => {
    assert.deepEqual(await c('web -n default '), []);
  });

  it('lister errors propagate (the command prints nothing and exits 0)', async () => {
    await assert.rejects(c('-n ', fakeLister({ fail: true })), /no cluster/);
  });
});

describe('scan', () => {
  it('collects namespaces, -A, --kubeconfig, --context and the kubectl flags; skips flag values', () => {
    const s = scan([
      '-n',
      'a,b',
      '--namespace=c',
      '--kubeconfig',
      '/k',
      '--context=x',
      '--server',
      'https://s',
      '--token=t',
      '--as-group',
      'g',
      '--insecure-skip-tls-verify',
      '-c',
      'web',
      'query',
    ]);
    assert.deepEqual(s.namespaces, ['a', 'b', 'c']);
    assert.equal(s.kubeconfig, '/k');
    assert.equal(s.context, 'x');
    assert.deepEqual(s.kube, {
      server: 'https://s',
      token: 't',
      asGroups: ['g'],
      insecureSkipTlsVerify: true,
    });
    assert.equal(s.positionals, 1);
    assert.equal(s.allNamespaces, false);
    assert.equal(scan(['-A']).allNamespaces, true);
    assert.equal(scan(['--all-namespaces=false']).allNamespaces, false);
  });
});

describe('completion scripts', () => {
  it('bash has the cobra shape and calls back into kstern __complete', () => {
    const s = completionScript('bash');
    assert.ok(s.includes('complete -o default -F __start_kstern kstern'));
    assert.ok(s.includes('__complete'));
  });

  it('zsh and fish call back into kstern __complete', () => {
    assert.match(completionScript('zsh'), /^#compdef kstern\n/);
    assert.ok(completionScript('zsh').includes('__complete'));
    assert.ok(completionScript('fish').includes('kstern __complete'));
  });
});
