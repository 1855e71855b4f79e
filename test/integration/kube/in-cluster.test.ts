// In-cluster configuration against the fake API server: no kubeconfig anywhere, the pod's service
// account (token, ca.crt, namespace) in a temporary directory, KUBERNETES_SERVICE_HOST/PORT pointing at
// the fake. A rotated token (the fake's setToken, the new token written to the file) is picked up.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

let srv: FakeApiServer;
let sa: string;

before(async () => {
  srv = await startFakeApiServer({ token: 'sa-token-1' });
  sa = await mkdtemp(join(tmpdir(), 'kstern-sa-'));
  await writeFile(join(sa, 'token'), 'sa-token-1\n');
  await writeFile(join(sa, 'ca.crt'), srv.caPem);
  await writeFile(join(sa, 'namespace'), 'ci');
});
after(async () => {
  await srv.close();
  await rm(sa, { recursive: true, force: true });
});

function podEnv(): Record<string, string> {
  const u = new URL(srv.url);
  return {
    KUBERNETES_SERVICE_HOST: u.hostname,
    KUBERNETES_SERVICE_PORT: u.port,
    KSTERN_SERVICEACCOUNT_DIR: sa,
  };
}

describe('in-cluster configuration', () => {
  it('no kubeconfig: the service account reaches the server, in its namespace', async () => {
    srv.createPod({ namespace: 'ci', name: 'runner-1', containers: ['build'] });
    srv.createPod({ namespace: 'default', name: 'runner-other', containers: ['build'] });
    srv.appendLog('ci', 'runner-1', 'build', 'step 1 ok');
    srv.appendLog('default', 'runner-other', 'build', 'not this namespace');
    const k = runKstern(['runner', '--no-follow', '--quiet', '--verbosity', '6'], { env: podEnv() });
    const code = await k.done;
    assert.equal(code, 0, k.stderr());
    assert.equal(k.stdout(), 'runner-1 build step 1 ok\n');
    const u = new URL(srv.url);
    assert.match(
      k.stderr(),
      new RegExp(
        `^kstern: using the in-cluster configuration: https://${u.hostname}:${u.port}, service account in ${sa}$`,
        'm',
      ),
    );
  });

  it('a rotated token is read again from the file (after the server refuses the old one)', async () => {
    srv.createPod({ namespace: 'ci', name: 'rot-1', containers: ['app'] });
    srv.appendLog('ci', 'rot-1', 'app', 'before rotation');
    const k = runKstern(['rot-'], { env: podEnv() });
    try {
      await k.waitStdout((s) => s.includes('before rotation'), 'the first line');
      await writeFile(join(sa, 'token'), 'sa-token-2\n');
      srv.setToken('sa-token-2');
      // A new pod: its log stream is a new request, refused with the old token, then made with the new.
      srv.createPod({ namespace: 'ci', name: 'rot-2', containers: ['app'] });
      srv.appendLog('ci', 'rot-2', 'app', 'after rotation');
      await k.waitStdout((s) => s.includes('rot-2 app after rotation'), 'the line of the new pod');
      assert.doesNotMatch(k.stderr(), /401|Unauthorized|rejected/, k.stderr());
    } finally {
      k.kill();
      await k.done;
      await writeFile(join(sa, 'token'), 'sa-token-1\n');
      srv.setToken('sa-token-1');
    }
  });

  it('no kubeconfig and not in a pod: one line naming all four sources', async () => {
    const k = runKstern(['x'], { env: {}, homeDir: sa });
    assert.equal(await k.done, 1);
    assert.equal(
      k.stderr(),
      `kstern: error: no kubeconfig: set --kubeconfig or KUBECONFIG, create ${join(sa, '.kube', 'config')}, or run inside a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)\n`,
    );
  });
});
