// Issue 7, points 5 and 6, through the whole pipeline: pod metadata in templates reaches a terminal only
// sanitised, and so do the diagnostics on stderr (Status messages, watch errors, fatal errors), each
// stream by whether it is itself a terminal (or --sanitize). Piped, both stay byte-exact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { runKstern } from '../support/kstern.ts';

const OSC52 = '\x1b]52;c;ZXZpbA==\x07';
const TITLE = '\x1b]0;pwned\x07';
const E_OSC52 = '\\x1b]52;c;ZXZpbA==\\x07';
const E_TITLE = '\\x1b]0;pwned\\x07';
/** Anything a terminal acts on, other than SGR colours and the newline. */
const CONTROL = /\x1b(?!\[[0-9;]*m)|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminal safety of metadata and diagnostics', () => {
  let srv: FakeApiServer;
  let kubeconfig: string;
  before(async () => {
    // The user name is quoted in every 403 Status message the server sends.
    srv = await startFakeApiServer({ user: `mallory${TITLE}\u202e` });
    kubeconfig = await srv.writeKubeconfig();
    srv.createPod({
      name: 'meta',
      containers: ['app'],
      nodeName: 'node\u009b2J',
      labels: { app: `shop${OSC52}` },
      annotations: { note: `free text ${OSC52} ${TITLE}` },
    });
    srv.appendLog('default', 'meta', 'app', 'hello');
    srv.createPod({ name: 'denied', containers: ['app'] });
    srv.denyLogs('default', 'denied');
  });
  after(() => srv.close());

  const TEMPLATE = '{{.Annotations.note}}|{{.Labels.app}}|{{.NodeName}}|{{.Message}}';

  async function run(args: string[], o: { tty?: boolean; stderrTty?: boolean }) {
    const k = runKstern(['meta', '--kubeconfig', kubeconfig, '--no-follow', ...args], o);
    const code = await k.done;
    return { code, out: k.stdout(), err: k.stderr() };
  }

  it('template fields on a terminal are escaped (point 5)', async () => {
    const r = await run(['--template', TEMPLATE], { tty: true });
    assert.equal(r.out, `free text ${E_OSC52} ${E_TITLE}|shop${E_OSC52}|node\\u009b2J|hello\n`);
  });

  it('template fields piped are byte-exact; --sanitize escapes them', async () => {
    const piped = await run(['--template', TEMPLATE], {});
    assert.equal(piped.out, `free text ${OSC52} ${TITLE}|shop${OSC52}|node\u009b2J|hello\n`);
    const flagged = await run(['--template', TEMPLATE, '--sanitize'], {});
    assert.ok(!CONTROL.test(flagged.out), JSON.stringify(flagged.out));
  });

  it('-o json on a terminal: valid JSON, no terminal control, the values intact (point 5)', async () => {
    const r = await run(['-o', 'json'], { tty: true });
    assert.ok(!CONTROL.test(r.out), JSON.stringify(r.out));
    const v = JSON.parse(r.out) as { nodeName: string; labels: Record<string, string> };
    assert.equal(v.nodeName, 'node\u009b2J');
    assert.equal(v.labels['app'], `shop${OSC52}`);
  });

  async function denied(args: string[], o: { tty?: boolean; stderrTty?: boolean }) {
    const k = runKstern(['denied', '--kubeconfig', kubeconfig, '--no-follow', ...args], o);
    await k.done;
    return k.stderr();
  }

  it('a 403 Status message on a terminal stderr is escaped; kstern colours stay (point 6)', async () => {
    const err = await denied(['--color', 'always'], { stderrTty: true });
    assert.match(err, /failed to tail/);
    assert.ok(err.includes(`mallory${E_TITLE}\\u202e`), JSON.stringify(err));
    assert.ok(!CONTROL.test(err), JSON.stringify(err));
    assert.ok(err.includes('\x1b[92m\x1b[1m+\x1b[22m\x1b[39m'), 'the coloured + of the attach line');
  });

  it('stderr follows its own isTTY: piped stderr stays byte-exact even when stdout is a terminal', async () => {
    const err = await denied([], { tty: true, stderrTty: false });
    assert.ok(err.includes(`mallory${TITLE}\u202e`), JSON.stringify(err));
    const flagged = await denied(['--sanitize'], {});
    assert.ok(!CONTROL.test(flagged), JSON.stringify(flagged));
  });

  it('a watch error on a terminal stderr is escaped (point 6)', async () => {
    srv.denyNamespace('locked');
    const k = runKstern(['meta', '--kubeconfig', kubeconfig, '-n', 'default,locked'], { stderrTty: true });
    try {
      await k.waitStderr((s) => s.includes('failed to watch pods in namespace locked'), 'the watch error');
      assert.ok(k.stderr().includes(`mallory${E_TITLE}\\u202e`), JSON.stringify(k.stderr()));
      assert.ok(!CONTROL.test(k.stderr()), JSON.stringify(k.stderr()));
    } finally {
      k.kill();
      await k.done;
    }
  });

  it('a fatal error printed by main on a terminal stderr is escaped (point 6)', async () => {
    const k = runKstern(['meta', '--kubeconfig', kubeconfig, '--context', `ctx${TITLE}`], {
      stderrTty: true,
    });
    assert.equal(await k.done, 1);
    assert.ok(k.stderr().includes(`ctx${E_TITLE}`), JSON.stringify(k.stderr()));
    assert.ok(!CONTROL.test(k.stderr()), JSON.stringify(k.stderr()));
  });
});
