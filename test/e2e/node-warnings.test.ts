// No runtime warning from Node on a normal run: the built binary under the Node that runs the tests
// (.ci/run runs the suite on Node 20 and on the newest LTS). A bundled dependency requiring the
// built-in 'punycode' printed "[DEP0040] DeprecationWarning" on every run on Node 21 and later.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { spawnKstern } from '../support/kstern.ts';

const WARNING = /Warning|\(node:\d+\)/;

describe(`no Node warning on Node ${process.version}`, () => {
  let srv: FakeApiServer;
  let kubeconfig: string;
  before(async () => {
    srv = await startFakeApiServer();
    kubeconfig = await srv.writeKubeconfig();
    srv.createPod({ name: 'warn-0', containers: ['app'] });
    srv.appendLog('default', 'warn-0', 'app', 'a line');
  });
  after(() => srv.close());

  it('kstern --version', async () => {
    const k = spawnKstern(['--version']);
    assert.equal((await k.exit).code, 0);
    assert.doesNotMatch(k.stderr(), WARNING);
  });

  it('a --no-follow run against the API server (kubeconfig, auth, HTTP/2, watch and logs)', async () => {
    const k = spawnKstern(['warn', '--no-follow', '--kubeconfig', kubeconfig]);
    assert.equal((await k.exit).code, 0, k.stderr());
    assert.equal(k.stdout(), 'warn-0 app a line\n');
    assert.doesNotMatch(k.stderr(), WARNING);
  });

  it('kstern --help', async () => {
    const k = spawnKstern(['--help']);
    assert.equal((await k.exit).code, 0, k.stderr());
    assert.doesNotMatch(k.stderr(), WARNING);
  });
});
