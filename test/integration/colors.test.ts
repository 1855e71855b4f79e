// User colours (--pod-colors / --container-colors) as stern's SGR codes, chalk names or hex, written by
// chalk at the colour level of the terminal: truecolor passes with --color always, and is downsampled to
// the 256-colour palette or the 16 ANSI colours where the terminal shows no more.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { runKstern } from '../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig();
  srv.createPod({ name: 'paint-1', containers: ['app'] });
  srv.appendLog('default', 'paint-1', 'app', 'hello');
});
after(() => srv.close());

/** The first stdout line of a --no-follow run. */
async function line(args: string[], o: { tty?: boolean; env?: Record<string, string> } = {}) {
  const k = runKstern(['--kubeconfig', kc, 'paint', '--no-follow', ...args], {
    tty: o.tty ?? false,
    env: o.env ?? {},
  });
  assert.equal(await k.done, 0, k.stderr());
  return k.lines()[0]!;
}

const HEX = ['--pod-colors', '#ff6188', '--container-colors', '#78dce8'];

describe('user colours at the terminal colour level', () => {
  it('hex colours pass as truecolor with --color always (no FORCE_COLOR)', async () => {
    const l = await line(['--color', 'always', ...HEX]);
    assert.ok(l.startsWith('\x1b[38;2;255;97;136mpaint-1\x1b['), JSON.stringify(l));
    assert.ok(l.includes('\x1b[38;2;120;220;232mapp\x1b['), JSON.stringify(l));
  });

  it('a terminal announcing truecolor (COLORTERM=truecolor) gets truecolor', async () => {
    const l = await line(HEX, { tty: true, env: { TERM: 'xterm-256color', COLORTERM: 'truecolor' } });
    assert.ok(l.startsWith('\x1b[38;2;255;97;136mpaint-1\x1b['), JSON.stringify(l));
  });

  it('a 256-colour terminal gets the nearest 256-colour codes', async () => {
    const l = await line(HEX, { tty: true, env: { TERM: 'xterm-256color' } });
    assert.ok(l.startsWith('\x1b[38;5;211mpaint-1\x1b['), JSON.stringify(l));
    assert.ok(l.includes('\x1b[38;5;117mapp\x1b['), JSON.stringify(l));
  });

  it('a 16-colour terminal gets the nearest of the 16 ANSI colours', async () => {
    const l = await line(HEX, { tty: true, env: { TERM: 'xterm' } });
    assert.ok(l.startsWith('\x1b[95mpaint-1\x1b[39m '), JSON.stringify(l));
    assert.ok(l.includes('\x1b[96mapp\x1b[39m '), JSON.stringify(l));
  });

  it('FORCE_COLOR=1/2/3 sets the level, piped or not', async () => {
    assert.ok((await line(HEX, { env: { FORCE_COLOR: '1' } })).startsWith('\x1b[95mpaint-1'));
    assert.ok((await line(HEX, { env: { FORCE_COLOR: '2' } })).startsWith('\x1b[38;5;211mpaint-1'));
    assert.ok((await line(HEX, { env: { FORCE_COLOR: '3' } })).startsWith('\x1b[38;2;255;97;136mpaint-1'));
    const always = await line(['--color', 'always', ...HEX], { env: { FORCE_COLOR: '2' } });
    assert.ok(always.startsWith('\x1b[38;5;211mpaint-1'), JSON.stringify(always));
  });

  it('colour names, and stern SGR codes unchanged on a 16-colour terminal', async () => {
    const named = await line(['--pod-colors', 'red', '--container-colors', 'cyanBright'], {
      tty: true,
      env: { TERM: 'xterm' },
    });
    assert.equal(named, '\x1b[31mpaint-1\x1b[39m \x1b[96mapp\x1b[39m hello');
    const stern = await line(['--pod-colors', '91;1', '--container-colors', '4;31'], {
      tty: true,
      env: { TERM: 'xterm' },
    });
    assert.equal(stern, '\x1b[91m\x1b[1mpaint-1\x1b[22m\x1b[39m \x1b[4m\x1b[31mapp\x1b[39m\x1b[24m hello');
  });

  it('no colour at all when piped, or with NO_COLOR, TERM=dumb or --color never', async () => {
    assert.equal(await line(HEX), 'paint-1 app hello');
    assert.equal(await line(HEX, { tty: true, env: { NO_COLOR: '1' } }), 'paint-1 app hello');
    assert.equal(await line(HEX, { tty: true, env: { TERM: 'dumb' } }), 'paint-1 app hello');
    assert.equal(
      await line(['--color', 'never', ...HEX], { env: { FORCE_COLOR: '3' } }),
      'paint-1 app hello',
    );
  });
});
