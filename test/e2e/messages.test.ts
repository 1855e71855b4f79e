// Every line kstern writes about itself on stderr has one shape (src/util/messages.ts):
// `kstern: error: …`, `kstern: warning: …` or `kstern: …` (a note). The built binary (npm run build) in
// a few failing situations; the `+`/`-`/`!` lines are part of the output and exempt.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { spawnKstern } from '../support/kstern.ts';

const SHAPE = /^kstern: (error: |warning: )?\S/;

/** The stderr lines that are messages (not the +/-/! lines of the output). */
function messages(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !/^[+!-] /.test(l));
}

function assertShape(stderr: string): void {
  for (const l of messages(stderr)) assert.match(l, SHAPE, `a stderr line of another shape:\n${stderr}`);
}

let srv: FakeApiServer;
let kc: string;
let dir: string;

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'ci' });
  dir = await mkdtemp(join(tmpdir(), 'kstern-messages-'));
  srv.createPod({ namespace: 'ci', name: 'ok-1', containers: ['app'], labels: { app: 'web' } });
  srv.appendLog('ci', 'ok-1', 'app', 'a line');
  srv.createPod({ namespace: 'ci', name: 'denied-1', containers: ['app'], labels: { app: 'web' } });
  srv.denyLogs('ci', 'denied-1');
  srv.createWorkload('Deployment', {
    namespace: 'ci',
    name: 'web',
    selector: { matchLabels: { app: 'web' } },
  });
});
after(async () => {
  await srv.close();
  await rm(dir, { recursive: true, force: true });
});

describe('stderr messages: "kstern: ", then "error: " or "warning: " or nothing, then the text', () => {
  it('a bad flag: one error line, exit 2', async () => {
    const k = spawnKstern(['x', '--no-such-flag']);
    assert.equal((await k.exit).code, 2);
    assert.deepEqual(messages(k.stderr()), [
      "kstern: error: unknown option '--no-such-flag' (see kstern --help)",
    ]);
    assertShape(k.stderr());
  });

  it('an unreachable server: one error line naming it, exit 1', async () => {
    const k = spawnKstern(['x', '--server', 'https://127.0.0.1:1', '--token', 't']);
    assert.equal((await k.exit).code, 1);
    const m = messages(k.stderr());
    assert.equal(m.length, 1, k.stderr());
    assert.match(m[0]!, /^kstern: error: .*https:\/\/127\.0\.0\.1:1.*ECONNREFUSED/);
    assertShape(k.stderr());
  });

  it('--no-follow, a stream that fails: an error naming the container, the summary as a note, exit 1', async () => {
    const k = spawnKstern(['-l', 'app=web', '--no-follow', '--kubeconfig', kc]);
    assert.equal((await k.exit).code, 1);
    assert.equal(k.stdout(), 'ok-1 app a line\n');
    const m = messages(k.stderr());
    assert.equal(m.length, 2, k.stderr());
    assert.match(m[0]!, /^kstern: error: failed to tail ci\/denied-1\/app: .*forbidden/);
    assert.equal(m[1], 'kstern: 2 containers, 1 line, 1 failed stream');
    assertShape(k.stderr());
  });

  it('following, a stream that fails: a warning, once, that it is retried', async () => {
    const k = spawnKstern(['denied', '--kubeconfig', kc]);
    try {
      await k.waitStderr((s) => s.includes('will retry'), 'the retry warning');
    } finally {
      k.child.kill('SIGINT');
    }
    assert.equal((await k.exit).code, 130);
    const m = messages(k.stderr());
    assert.equal(m.length, 1, k.stderr());
    assert.match(m[0]!, /^kstern: warning: failed to tail ci\/denied-1\/app: .*forbidden.*, will retry$/);
    assertShape(k.stderr());
  });

  it('a config-file warning, and a workload missing in one of two namespaces: warnings; the run goes on', async () => {
    const cfg = join(dir, 'config.yaml');
    await writeFile(cfg, 'mystery: 1\nonly-log-lines: true\n');
    const k = spawnKstern(['deployment/web', '-n', 'ci,other', '-c', 'app', '--no-follow', '--config', cfg], {
      KUBECONFIG: kc,
    });
    const { code } = await k.exit;
    assert.equal(k.stdout(), 'ci ok-1 app a line\n');
    assert.deepEqual(messages(k.stderr()).slice(0, 2), [
      `kstern: warning: unknown option in config file "${cfg}": mystery`,
      'kstern: warning: namespace other skipped: deployments.apps "web" not found',
    ]);
    assert.equal(code, 1, 'the denied stream still fails the run');
    assertShape(k.stderr());
  });
});
