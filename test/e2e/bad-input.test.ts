// Bad input, through the built binary: one clear line on stderr naming the flag, file or server, the
// right exit code (2 usage, 1 everything else), no stack trace; and hostile content is handled.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshTlsMaterial } from '../fake-apiserver/certs.ts';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { BIN, spawnKstern } from '../support/kstern.ts';

let srv: FakeApiServer;
let good: string;
let dir: string;

/** A plain-HTTP "API server" that answers every request with `answer(path)`. */
async function httpServer(
  answer: (url: string) => { status: number; type: string; body: string },
): Promise<Server> {
  const s = createServer((req, res) => {
    const a = answer(req.url ?? '');
    res.writeHead(a.status, { 'content-type': a.type });
    res.end(a.body);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

function kubeconfigFor(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "' + server + '"}}]',
    'users: [{name: u, user: {token: t}}]',
    'contexts: [{name: x, context: {cluster: c, user: u}}]',
    'current-context: x',
  ].join('\n');
}

async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

before(async () => {
  srv = await startFakeApiServer();
  good = await srv.writeKubeconfig();
  dir = await mkdtemp(join(tmpdir(), 'kstern-bad-'));
  srv.createPod({ name: 'web-1', containers: ['app'] });
  srv.appendLog('default', 'web-1', 'app', 'hello');
  srv.createPod({ namespace: 'secret', name: 'web-2', containers: ['app'] });
  srv.denyNamespace('secret');
});
after(async () => {
  await srv.close();
});

interface Case {
  name: string;
  args: () => Promise<string[]>;
  code: number;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'invalid query regex',
    args: async () => ['(', '--kubeconfig', good],
    code: 2,
    message: /failed to compile regular expression from query: .*missing closing \)/,
  },
  {
    name: 'invalid filter regex',
    args: async () => ['web', '-i', '[a-', '--kubeconfig', good],
    code: 2,
    message: /failed to compile regular expression for inclusion filter/,
  },
  {
    name: 'invalid label selector',
    args: async () => ['-l', 'app in (a', '--kubeconfig', good],
    code: 1,
    message: /^kstern: error: invalid selector -l "app in \(a": found .*$/,
  },
  {
    name: 'unknown flag',
    args: async () => ['web', '--folow'],
    code: 2,
    message: /unknown option '--folow'/,
  },
  {
    name: 'bad enum value',
    args: async () => ['web', '-o', 'yaml'],
    code: 2,
    message: /^kstern: error: output should be one of 'default', 'raw', 'json', 'extjson', or 'ppextjson'$/,
  },
  {
    name: 'bad duration',
    args: async () => ['web', '--since', '5x'],
    code: 2,
    message: /--since: time: unknown unit "x" in duration "5x"/,
  },
  {
    name: 'bad time zone',
    args: async () => ['web', '--timezone', 'Mars/Olympus'],
    code: 2,
    message: /Mars\/Olympus/,
  },
  {
    name: 'bad template',
    args: async () => ['web', '--template', '{{if}}'],
    code: 2,
    message: /^kstern: error: unable to parse template: template: kstern:1:/,
  },
  {
    name: 'missing kubeconfig',
    args: async () => ['web', '--kubeconfig', join(dir, 'nope')],
    code: 1,
    message: /kubeconfig file ".*nope" does not exist/,
  },
  {
    name: 'malformed kubeconfig',
    args: async () => ['web', '--kubeconfig', await file('garbage.yaml', 'clusters: [unclosed\n  : : :')],
    code: 1,
    message: /garbage\.yaml.*(YAML|yaml)/,
  },
  {
    name: 'unknown context',
    args: async () => ['web', '--kubeconfig', good, '--context', 'prod'],
    code: 1,
    message: /context "prod" does not exist/,
  },
  {
    name: 'context with no cluster',
    args: async () => [
      'web',
      '--kubeconfig',
      await file(
        'nocluster.yaml',
        'apiVersion: v1\nkind: Config\ncontexts: [{name: x, context: {user: u}}]\nusers: [{name: u, user: {token: t}}]\ncurrent-context: x\n',
      ),
    ],
    code: 1,
    message: /context "x" has no cluster/,
  },
  {
    name: 'unreachable server',
    args: async () => ['web', '--kubeconfig', await file('dead.yaml', kubeconfigFor('https://127.0.0.1:1'))],
    code: 1,
    message: /cannot connect to the server https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
  },
  {
    name: 'TLS: unknown CA',
    args: async () => [
      'web',
      '--kubeconfig',
      await file(
        'otherca.yaml',
        srv
          .kubeconfig()
          .replace(
            /certificate-authority-data: \S+/,
            `certificate-authority-data: ${Buffer.from(freshTlsMaterial().caPem).toString('base64')}`,
          ),
      ),
    ],
    code: 1,
    message: /TLS error talking to https:\/\/127\.0\.0\.1:\d+: /,
  },
  {
    name: 'TLS: wrong host name',
    args: async () => ['web', '--kubeconfig', good, '--tls-server-name', 'api.elsewhere.test'],
    code: 1,
    message: /TLS error talking to .*(altnames|does not match)/,
  },
  {
    name: '401',
    args: async () => ['web', '--kubeconfig', await srv.writeKubeconfig({ token: 'wrong' })],
    code: 1,
    message: /rejected the credentials of context .*Unauthorized/,
  },
  {
    name: '403 on the only namespace',
    args: async () => ['web', '-n', 'secret', '--kubeconfig', good],
    code: 1,
    message: /pods is forbidden: .*"secret"/,
  },
  {
    name: '404 on a resource query',
    args: async () => ['deployment/nope', '--kubeconfig', good],
    code: 1,
    message: /^kstern: error: deployments\.apps "nope" not found$/,
  },
];

describe('bad input: one line, the right exit code, no stack trace', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const k = spawnKstern(await c.args());
      const { code } = await k.exit;
      const lines = k.stderr().split('\n').filter(Boolean);
      assert.equal(lines.length, 1, `one line, got:\n${k.stderr()}`);
      assert.match(lines[0]!, /^kstern: error: /);
      assert.match(lines[0]!, c.message);
      assert.doesNotMatch(k.stderr(), /\n\s+at /, 'no stack trace');
      assert.equal(code, c.code);
    });
  }

  it('an unreadable kubeconfig', async () => {
    // Root reads any file, and CI runs as root: there, kstern runs as nobody (uid 65534) for this case.
    const asRoot = process.getuid?.() === 0;
    const locked = await mkdtemp(join(tmpdir(), 'kstern-locked-'));
    await chmod(locked, 0o755);
    const p = join(locked, 'locked.yaml');
    await writeFile(p, srv.kubeconfig());
    await chmod(p, 0o000);
    const child = spawn(process.execPath, [BIN, 'web', '--kubeconfig', p], {
      env: { PATH: process.env['PATH'], HOME: locked },
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /^kstern: error: .*locked\.yaml.*EACCES/);
  });

  it('a server that answers HTML', async () => {
    const s = await httpServer(() => ({
      status: 502,
      type: 'text/html',
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    }));
    try {
      const port = (s.address() as { port: number }).port;
      const k = spawnKstern([
        'web',
        '--kubeconfig',
        await file('html.yaml', kubeconfigFor(`http://127.0.0.1:${port}`)),
      ]);
      assert.equal((await k.exit).code, 1);
      // Besides the warning that the token goes over plain http:// (see hostile-server.test.ts).
      const lines = k
        .stderr()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('kstern: warning: credentials'));
      assert.equal(lines.length, 1, k.stderr());
      assert.match(lines[0]!, /^kstern: error: .*502.*Bad Gateway/);
    } finally {
      s.close();
    }
  });

  it('a server that answers garbage JSON', async () => {
    const s = await httpServer(() => ({
      status: 200,
      type: 'application/json',
      body: '{"kind": "PodList", "items": [',
    }));
    try {
      const port = (s.address() as { port: number }).port;
      const k = spawnKstern([
        'web',
        '--kubeconfig',
        await file('garbage-json.yaml', kubeconfigFor(`http://127.0.0.1:${port}`)),
      ]);
      assert.equal((await k.exit).code, 1);
      // Besides the warning that the token goes over plain http:// (see hostile-server.test.ts).
      const lines = k
        .stderr()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('kstern: warning: credentials'));
      assert.equal(lines.length, 1, k.stderr());
      assert.match(lines[0]!, /^kstern: error: .*(JSON|json)/);
    } finally {
      s.close();
    }
  });

  it('a watch event that is not JSON is reported once; the run goes on', async () => {
    const list = JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '5' },
      items: [],
    });
    const s = await httpServer((url) =>
      url.includes('watch=')
        ? { status: 200, type: 'application/json', body: 'this is not json\n' }
        : { status: 200, type: 'application/json', body: list },
    );
    try {
      const port = (s.address() as { port: number }).port;
      const k = spawnKstern([
        'web',
        '--kubeconfig',
        await file('badwatch.yaml', kubeconfigFor(`http://127.0.0.1:${port}`)),
      ]);
      await k.waitStderr((e) => /invalid watch event/.test(e), 'the report');
      k.child.kill('SIGINT');
      assert.equal((await k.exit).code, 130);
      assert.equal(
        k
          .stderr()
          .split('\n')
          .filter((l) => /invalid watch event/.test(l)).length,
        1,
        k.stderr(),
      );
      assert.doesNotMatch(k.stderr(), /\n\s+at /);
    } finally {
      s.close();
    }
  });
});

describe('hostile content', () => {
  it('a 10 MiB line (under --max-line-bytes), invalid UTF-8 and NUL bytes come out byte for byte', async () => {
    srv.createPod({ name: 'hostile-1', containers: ['c'] });
    const big = Buffer.alloc(10 * 1024 * 1024, 'y');
    const odd = Buffer.from([0x00, 0x41, 0xff, 0xc3, 0x28, 0x00]);
    srv.appendRaw('default', 'hostile-1', 'c', big);
    srv.appendRaw('default', 'hostile-1', 'c', odd);
    const args = ['hostile-1', '--no-follow', '--kubeconfig', good, '-o', 'raw'];
    const k = spawnKstern([...args, '--max-line-bytes', '16Mi']);
    assert.equal((await k.exit).code, 0, k.stderr());
    assert.ok(k.stdoutBytes().equals(Buffer.concat([big, Buffer.from('\n'), odd, Buffer.from('\n')])));
    // With the default cap (8 MiB) the same line comes in two marked pieces, nothing lost.
    const d = spawnKstern(args);
    assert.equal((await d.exit).code, 0, d.stderr());
    const mark = Buffer.from(' [continued: longer than --max-line-bytes]');
    const cap = 8 * 1024 * 1024;
    assert.ok(
      d
        .stdoutBytes()
        .equals(
          Buffer.concat([
            big.subarray(0, cap - 31),
            mark,
            Buffer.from('\n'),
            big.subarray(cap - 31),
            Buffer.from('\n'),
            odd,
            Buffer.from('\n'),
          ]),
        ),
    );
  });

  it('a hostile regex against long lines cannot hang the run (linear-time matching)', async () => {
    srv.createPod({ name: 'hostile-2', containers: ['c'] });
    // (a+)+$ backtracks exponentially in a backtracking engine on "aaa…a!"; RE2 semantics are linear.
    srv.appendLog('default', 'hostile-2', 'c', [`${'a'.repeat(5000)}!`, `${'a'.repeat(40)}`, 'plain']);
    const k = spawnKstern(['hostile-2', '--no-follow', '--kubeconfig', good, '-i', '(a+)+$', '-o', 'raw']);
    assert.equal((await k.exit).code, 0, k.stderr());
    assert.equal(k.stdout(), `${'a'.repeat(40)}\n`);
  });
});
