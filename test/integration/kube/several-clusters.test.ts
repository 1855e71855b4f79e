// Several --context: the same query in two clusters (two fake API servers) at once, each with its own
// credentials; the context before each line and in -o json; a failing cluster is
// reported once and the other goes on.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let a: FakeApiServer;
let b: FakeApiServer;
let dir: string;
let kubeconfig: string;

before(async () => {
  a = await startFakeApiServer({ token: 'token-a' });
  b = await startFakeApiServer({ token: 'token-b' });
  a.createPod({ name: 'web-a1', containers: ['app'] });
  a.appendLog('default', 'web-a1', 'app', 'from cluster a');
  b.createPod({ name: 'web-b1', containers: ['app'] });
  b.appendLog('default', 'web-b1', 'app', 'from cluster b');
  dir = await mkdtemp(join(tmpdir(), 'kstern-multi-'));
  kubeconfig = join(dir, 'config');
  const cluster = (s: FakeApiServer) => ({
    server: s.url,
    'certificate-authority-data': Buffer.from(s.caPem).toString('base64'),
  });
  await writeFile(
    kubeconfig,
    yaml.dump({
      clusters: [
        { name: 'a', cluster: cluster(a) },
        { name: 'b', cluster: cluster(b) },
        { name: 'down', cluster: { server: 'https://127.0.0.1:1' } },
      ],
      users: [
        { name: 'a', user: { token: 'token-a' } },
        { name: 'b', user: { token: 'token-b' } },
        { name: 'wrong', user: { token: 'nope' } },
      ],
      contexts: [
        { name: 'kind-a', context: { cluster: 'a', user: 'a' } },
        { name: 'kind-b', context: { cluster: 'b', user: 'b' } },
        { name: 'b-wrong-user', context: { cluster: 'b', user: 'wrong' } },
        { name: 'down', context: { cluster: 'down', user: 'a' } },
      ],
      'current-context': 'kind-a',
    }),
  );
});
after(async () => {
  await a.close();
  await b.close();
  await rm(dir, { recursive: true, force: true });
});

const sorted = (s: string) => s.split('\n').filter(Boolean).sort();

describe('several --context', () => {
  it('tails both clusters, the context before each line (comma-separated)', async () => {
    const k = runKstern(['web', '--context', 'kind-a,kind-b', '--no-follow', '--kubeconfig', kubeconfig]);
    assert.equal(await k.done, 0, k.stderr());
    assert.deepEqual(sorted(k.stdout()), [
      'kind-a web-a1 app from cluster a',
      'kind-b web-b1 app from cluster b',
    ]);
    assert.match(k.stderr(), /^\+ kind-a web-a1 › app$/m);
    assert.match(k.stderr(), /^kstern: context "kind-b": 1 container, 1 line, 0 failed streams$/m);
  });

  it('-o json has "context" (repeated flag)', async () => {
    const j = runKstern([
      'web',
      '--context',
      'kind-a',
      '--context',
      'kind-b',
      '--no-follow',
      '-o',
      'json',
      '--kubeconfig',
      kubeconfig,
    ]);
    assert.equal(await j.done, 0, j.stderr());
    const objs = sorted(j.stdout()).map((l) => JSON.parse(l) as { context: string; podName: string });
    assert.deepEqual(objs.map((o) => [o.context, o.podName]).sort(), [
      ['kind-a', 'web-a1'],
      ['kind-b', 'web-b1'],
    ]);
    // .Context in templates: packages/gotemplate/test/stern.test.ts (this worktree's node_modules
    // resolve @kstern/gotemplate to the main checkout until the merge).
  });

  it('a failing cluster (401, unreachable, unknown context) is reported once; the other goes on; exit 1', async () => {
    const k = runKstern([
      'web',
      '--context',
      'kind-a,b-wrong-user,down,nope',
      '--no-follow',
      '--kubeconfig',
      kubeconfig,
    ]);
    assert.equal(await k.done, 1);
    assert.deepEqual(sorted(k.stdout()), ['kind-a web-a1 app from cluster a']);
    const errors = k
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('kstern: error:'));
    assert.equal(errors.length, 3, k.stderr());
    assert.ok(
      errors.some((l) => l.startsWith('kstern: error: context "b-wrong-user": ')),
      k.stderr(),
    );
    assert.ok(
      errors.some((l) => l.startsWith('kstern: error: context "down": ')),
      k.stderr(),
    );
    assert.ok(
      errors.includes(
        `kstern: error: context "nope": context "nope" does not exist in the kubeconfig ("${kubeconfig}")`,
      ),
      k.stderr(),
    );
  });

  it('one --context is the single-cluster run: no context in the output', async () => {
    const k = runKstern(['web', '--context', 'kind-b', '--no-follow', '--quiet', '--kubeconfig', kubeconfig]);
    assert.equal(await k.done, 0, k.stderr());
    assert.equal(k.stdout(), 'web-b1 app from cluster b\n');
  });
});
