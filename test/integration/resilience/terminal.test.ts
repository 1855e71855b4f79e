// Terminal safety: log content is untrusted. On a terminal, control sequences that rewrite the screen,
// set the title, write the clipboard (OSC 52) or hide text are shown escaped; SGR colours from the
// application pass with --color on. Piped output is byte-exact unless --sanitize.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';

const EVIL = Buffer.from(
  'a\x1b]52;c;cm0gLXJmIH4=\x07b\x1b]0;title\x07c\x1b[2J\x1b[31mred\x1b[0m\rhidden\x08!',
);

describe('terminal safety', () => {
  let srv: FakeApiServer;
  let kubeconfig: string;
  before(async () => {
    srv = await startFakeApiServer();
    kubeconfig = await srv.writeKubeconfig();
    srv.createPod({ name: 'evil', containers: ['app'] });
    srv.appendRaw('default', 'evil', 'app', EVIL);
    srv.appendLog('default', 'evil', 'app', 'the end');
  });
  after(() => srv.close());

  async function output(args: string[], tty: boolean): Promise<Buffer> {
    const k = runKstern(['evil', '--kubeconfig', kubeconfig, ...args], { tty });
    try {
      await k.waitStdout((s) => s.includes('the end\n'), 'the lines');
      return k.stdoutBytes();
    } finally {
      k.kill();
      await k.done;
    }
  }

  it('on a terminal with colour: escapes OSC 52, title, clear screen, CR and BS; keeps SGR', async () => {
    const out = (await output(['--color', 'always'], true)).toString('latin1');
    const line = out.split('\n')[0]!;
    assert.ok(
      line.endsWith(
        'a\\x1b]52;c;cm0gLXJmIH4=\\x07b\\x1b]0;title\\x07c\\x1b[2J\x1b[31mred\x1b[0m\\x0dhidden\\x08!',
      ),
      JSON.stringify(line),
    );
    assert.doesNotMatch(out, /\x1b\]|\x1b\[2J|\r|\x07|\x08/);
  });

  it('on a terminal without colour: every ESC is escaped', async () => {
    const out = (await output(['--color', 'never'], true)).toString('latin1');
    assert.ok(!out.includes('\x1b'), JSON.stringify(out));
    assert.ok(out.includes('\\x1b[31mred\\x1b[0m'));
  });

  it('piped: byte-exact', async () => {
    const out = await output([], false);
    assert.ok(out.includes(Buffer.concat([Buffer.from('evil app '), EVIL, Buffer.from('\n')])));
  });

  it('piped with --sanitize: escaped', async () => {
    const out = (await output(['--sanitize'], false)).toString('latin1');
    assert.ok(out.startsWith('evil app a\\x1b]52;c;'), JSON.stringify(out));
    assert.ok(!out.includes('\x1b'));
  });
});
