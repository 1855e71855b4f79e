// The built binary with real shells and a real terminal: completion scripts loaded into bash / zsh /
// fish completing a namespace that exists only in the fake API server, kubectl's connection flags
// without a kubeconfig, and --prompt driven through a pseudo-terminal (util-linux `script`).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { BIN, spawnKstern } from '../support/kstern.ts';
import { until } from '../support/wait.ts';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = (cmd: string, pkg: string) =>
  has(cmd) ? false : `${cmd} is not installed (Debian package ${pkg})`;

const NAMESPACE = 'only-in-the-fake-42';
let srv: FakeApiServer;
let dir: string;
let kubeconfig: string;
let env: Record<string, string>;

before(async () => {
  srv = await startFakeApiServer();
  kubeconfig = await srv.writeKubeconfig();
  srv.createPod({ namespace: NAMESPACE, name: 'lonely-0', containers: ['app'] });
  dir = await mkdtemp(join(tmpdir(), 'kstern-e2e-cli-'));
  // `kstern` on PATH, as the completion scripts call it by name.
  const wrapper = join(dir, 'kstern');
  await writeFile(
    wrapper,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
  );
  await chmod(wrapper, 0o755);
  env = { PATH: `${dir}:${process.env['PATH']}`, HOME: dir, KUBECONFIG: kubeconfig };
});
after(async () => {
  await srv.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs a shell command line with `kstern` on PATH; resolves with its stdout. */
function shell(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} exited with ${code}: ${err}`));
    });
  });
}

describe('shell completion', () => {
  it('bash: `kstern -n <TAB>` offers the live namespaces', async () => {
    const script = `
      source <(kstern --completion bash)
      complete -p kstern
      COMP_LINE='kstern -n '; COMP_POINT=\${#COMP_LINE}
      COMP_WORDS=(kstern -n ''); COMP_CWORD=2
      __start_kstern
      printf 'reply:%s\\n' "\${COMPREPLY[@]}"
      COMP_LINE='kstern --color=al'; COMP_POINT=\${#COMP_LINE}
      COMP_WORDS=(kstern --color = al); COMP_CWORD=3
      __start_kstern
      printf 'eq:%s\\n' "\${COMPREPLY[@]}"`;
    const out = await shell('bash', ['-c', script]);
    assert.ok(out.includes('complete -o default -F __start_kstern kstern\n'), out);
    const reply = out.split('\n').filter((l) => l.startsWith('reply:'));
    assert.ok(reply.includes(`reply:${NAMESPACE}`), out);
    assert.ok(reply.includes('reply:default'), out);
    assert.deepEqual(
      out.split('\n').filter((l) => l.startsWith('eq:')),
      ['eq:always'],
      'after "=" bash replaces only the value',
    );
  });

  it('zsh: _kstern offers the live namespaces', { skip: missing('zsh', 'zsh') }, async () => {
    // Outside the line editor compadd/compset cannot run: stand-ins print what _kstern hands them.
    const script = `
      autoload -U compinit && compinit -u -D
      source <(kstern --completion zsh)
      compadd() { local a; for a in "$@"; do print -r -- "compadd:$a"; done }
      compset() { return 0 }
      _files() { print -r -- files }
      words=(kstern -n ''); CURRENT=3
      _kstern`;
    const out = await shell('zsh', ['-f', '-c', script]);
    assert.ok(out.includes(`compadd:${NAMESPACE}\n`), out);
    assert.ok(!out.includes('files'), out);
  });

  it('fish: `complete -C "kstern -n "` offers the live namespaces', {
    skip: missing('fish', 'fish'),
  }, async () => {
    const out = await shell('fish', [
      '--no-config',
      '-c',
      'kstern --completion fish | source; complete -C "kstern -n "',
    ]);
    assert.ok(out.split('\n').includes(NAMESPACE), out);
  });
});

describe('kubectl connection flags through the binary', () => {
  let ca: string;
  before(async () => {
    ca = join(dir, 'ca.crt');
    await writeFile(ca, srv.caPem);
    srv.appendLog(NAMESPACE, 'lonely-0', 'app', ['hello from the fake']);
  });

  it('--server --token --certificate-authority work without any kubeconfig', async () => {
    const k = spawnKstern(
      [
        'lonely',
        '-n',
        NAMESPACE,
        '--no-follow',
        '--server',
        srv.url,
        '--token',
        srv.token,
        '--certificate-authority',
        ca,
      ],
      { HOME: dir },
    );
    assert.equal((await k.exit).code, 0, k.stderr());
    assert.equal(k.stdout(), 'lonely-0 app hello from the fake\n');
  });

  it('a wrong --token: one line with the 401, exit code 1', async () => {
    const k = spawnKstern(['lonely', '-n', NAMESPACE, '--kubeconfig', kubeconfig, '--token', 'wrong']);
    assert.equal((await k.exit).code, 1);
    const lines = k.stderr().trim().split('\n');
    assert.equal(lines.length, 1, k.stderr());
    assert.match(lines[0]!, /^kstern: error: .*rejected the credentials.*Unauthorized/);
  });
});

describe('--prompt in a terminal', { skip: missing('script', 'util-linux') }, () => {
  let child: ChildProcess | undefined;
  after(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('down arrow + Enter picks the second instance, then its lines are tailed', async () => {
    const label = 'app.kubernetes.io/instance';
    for (const [pod, inst] of [
      ['alpha-0', 'alpha'],
      ['bravo-0', 'bravo'],
      ['charlie-0', 'charlie'],
    ] as const) {
      srv.createPod({ namespace: 'prompt', name: pod, labels: { [label]: inst }, containers: ['app'] });
      srv.appendLog('prompt', pod, 'app', [`line of ${inst}`]);
    }
    const cmd = [process.execPath, BIN, '-p', '-n', 'prompt', '--no-follow', '--kubeconfig', kubeconfig]
      .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
      .join(' ');
    // `script` runs the command on a new pseudo-terminal; our pipe is its keyboard, its stdout the screen.
    const c = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child = c;
    let screen = '';
    c.stdout.on('data', (b: Buffer) => {
      screen += b.toString('utf8');
    });
    const exited = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
    const plain = () => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replaceAll('\r', '');
    await until(() => plain().includes('❯ alpha'), `the menu; the screen was:\n${plain()}`);
    c.stdin.write('\x1b[B');
    await until(() => plain().includes('❯ bravo'), `the cursor on bravo; the screen was:\n${plain()}`);
    c.stdin.write('\r');
    await until(() => plain().includes('line of bravo'), `bravo's log line; the screen was:\n${plain()}`);
    assert.equal(await exited, 0, plain());
    assert.ok(plain().includes(`Selector: ${label}=bravo\n`), plain());
    assert.ok(!plain().includes('line of alpha') && !plain().includes('line of charlie'), plain());
  });
});
