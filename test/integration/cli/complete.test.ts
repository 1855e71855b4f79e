// `kstern __complete` in-process (main()) against the fake API server: live namespaces, nodes, contexts
// and object names, honouring --kubeconfig / --context / the kubectl flags among the words.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

async function candidates(words: string[], env: Record<string, string> = {}): Promise<string[]> {
  const k = runKstern(['__complete', ...words], { env });
  assert.equal(await k.done, 0);
  assert.equal(k.stderr(), '');
  return k.lines();
}

describe('__complete against the fake API server', () => {
  let srv: FakeApiServer;
  let kubeconfig: string;
  before(async () => {
    srv = await startFakeApiServer();
    kubeconfig = await srv.writeKubeconfig({ namespace: 'shop' });
    srv.createPod({ namespace: 'only-in-fake-7', name: 'x-0', containers: ['c'], nodeName: 'node-9' });
    srv.createPod({ namespace: 'shop', name: 'cart-1', containers: ['c'] });
    srv.createWorkload('Deployment', {
      namespace: 'shop',
      name: 'cart',
      selector: { matchLabels: { app: 'cart' } },
    });
    srv.createWorkload('StatefulSet', {
      namespace: 'other',
      name: 'db',
      selector: { matchLabels: { app: 'db' } },
    });
  });
  after(() => srv.close());

  it('-n lists the live namespaces', async () => {
    const got = await candidates(['-n', ''], { KUBECONFIG: kubeconfig });
    assert.ok(got.includes('only-in-fake-7'), got.join(' '));
    assert.deepEqual(await candidates(['--kubeconfig', kubeconfig, '-n', 'only']), ['only-in-fake-7']);
  });

  it('--node lists the nodes; --context the kubeconfig contexts', async () => {
    assert.ok((await candidates(['--kubeconfig', kubeconfig, '--node', ''])).includes('node-9'));
    assert.deepEqual(await candidates(['--kubeconfig', kubeconfig, '--context', '']), ['fake']);
  });

  it('the query: kinds and pod names of the context namespace, then object names', async () => {
    const first = await candidates(['--kubeconfig', kubeconfig, 'c']);
    assert.deepEqual(first, ['cronjob/', 'cart-1']);
    assert.deepEqual(await candidates(['--kubeconfig', kubeconfig, 'deployment/']), ['deployment/cart']);
    assert.deepEqual(await candidates(['--kubeconfig', kubeconfig, '-n', 'other', 'sts/']), ['sts/db']);
  });

  it('works from the kubectl flags alone', async () => {
    const ca = join(kubeconfig, '..', 'ca.crt');
    await writeFile(ca, srv.caPem);
    const words = ['--server', srv.url, '--token', srv.token, '--certificate-authority', ca, '-n', 'only'];
    assert.deepEqual(await candidates(words), ['only-in-fake-7']);
  });

  it('errors are silent: no candidates, exit code 0', async () => {
    assert.deepEqual(await candidates(['--kubeconfig', '/nonexistent/config', '-n', '']), []);
    assert.deepEqual(await candidates(['--kubeconfig', kubeconfig, '--token', 'wrong', '-n', '']), []);
    assert.deepEqual(await candidates(['--kubeconfig', kubeconfig, '-A', 'deployment/']), []);
  });
});
