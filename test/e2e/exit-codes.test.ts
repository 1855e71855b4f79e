// The exit-code table of the README, row by row, with the built binary (npm run build): every code in
// src/exit-codes.ts's EXIT_CODES has a test here that makes the real process end with it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { EXIT, EXIT_CODES } from '../../src/util/exit-codes.ts';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { BIN, spawnKstern } from '../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;

/** Runs the binary to its end; returns its exit code and stderr. */
async function run(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; err: string; out: string }> {
  if (stdin === undefined) {
    const k = spawnKstern(args);
    const { code } = await k.exit;
    return { code, err: k.stderr(), out: k.stdout() };
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env['PATH'], HOME: homedir() },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  return { code, err, out };
}

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'ci' });
  srv.createPod({ namespace: 'ci', name: 'ok-1', containers: ['app'] });
  srv.appendLog('ci', 'ok-1', 'app', 'not json');
  srv.createPod({
    namespace: 'ci',
    name: 'pull-1',
    containers: ['app'],
    waiting: { app: { reason: 'ErrImagePull', message: 'pull access denied' } },
  });
  srv.createPod({ namespace: 'ci', name: 'denied-1', containers: ['app'] });
  srv.denyLogs('ci', 'denied-1');
  srv.createPod({ namespace: 'ci', name: 'crash-1', containers: ['app'] });
  srv.appendLog('ci', 'crash-1', 'app', 'boom');
  srv.terminateContainer('ci', 'crash-1', 'app', 1);
  srv.createPod({ namespace: 'ci', name: 'runs-1', containers: ['app'] });
});
after(() => srv.close());

const rows: Record<string, () => Promise<void>> = {
  [EXIT.ok]: async () => {
    const r = await run(['ok-1', '--no-follow', '--kubeconfig', kc]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'ok-1 app not json\n');
  },
  [EXIT.error]: async () => {
    const unreachable = await run(['x', '--server', 'https://127.0.0.1:1', '--token', 't']);
    assert.equal(unreachable.code, 1, 'unreachable server');
    assert.match(unreachable.err, /^kstern: error: .*ECONNREFUSED/m);
    const rejected = await run(['x', '--kubeconfig', await srv.writeKubeconfig({ token: 'wrong' })]);
    assert.equal(rejected.code, 1, 'credentials rejected (401)');
    assert.match(rejected.err, /^kstern: error: the server .* rejected the credentials/m);
    const badKubeconfig = await run(['x', '--kubeconfig', '/nonexistent/kubeconfig']);
    assert.equal(badKubeconfig.code, 1, 'bad kubeconfig');
    const denied = await run(['denied-1', '--no-follow', '--kubeconfig', kc]);
    assert.equal(denied.code, 1, 'a stream that failed');
    assert.match(denied.err, /^kstern: error: failed to tail ci\/denied-1\/app: .*forbidden/m);
    const waiting = await run(['pull-1', '--no-follow', '--kubeconfig', kc]);
    assert.equal(waiting.code, 1, 'a container waiting to start');
    assert.match(waiting.err, /^! pull-1 › app waiting: ErrImagePull: pull access denied$/m);
  },
  [EXIT.usage]: async () => {
    const r = await run(['x', '--wait', 'soon', '--kubeconfig', kc]);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'kstern: error: invalid value "soon" for --wait: time: invalid duration "soon"\n');
  },
  [EXIT.nothingMatched]: async () => {
    const r = await run(['nosuchpod', '--no-follow', '--kubeconfig', kc]);
    assert.equal(r.code, 3);
    assert.equal(r.err, 'kstern: no pod matched query "nosuchpod", in namespace "ci" (5 pods looked at)\n');
    const allowed = await run(['nosuchpod', '--no-follow', '--allow-empty', '--kubeconfig', kc]);
    assert.equal(allowed.code, 0);
  },
  [EXIT.formatFailed]: async () => {
    const tpl = ['--template', '{{(parseJSON .Message).level}}'];
    const r = await run(['ok-1', '--no-follow', '--kubeconfig', kc, ...tpl]);
    assert.equal(r.code, 4);
    assert.match(
      r.err,
      /^kstern: error: expanding template failed on a line of ci\/ok-1\/app: .*; the line is dropped$/m,
    );
    const stdin = await run(['--stdin', ...tpl], 'not json\n');
    assert.equal(stdin.code, 4, '--stdin too');
  },
  [EXIT.containerFailed]: async () => {
    const r = await run(['crash-1', '--until', 'done', '--kubeconfig', kc]);
    assert.equal(r.code, 5, r.err);
    assert.match(r.err, /^kstern: 1 container, 1 line, 0 failed streams; exit codes: crash-1\/app 1$/m);
  },
  [EXIT.untilTimeout]: async () => {
    const r = await run(['runs-1', '--until', 'done', '--until-timeout', '200ms', '--kubeconfig', kc]);
    assert.equal(r.code, 6, r.err);
  },
  '129 / 130 / 143': async () => {
    for (const [sig, code] of [
      ['SIGHUP', 129],
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const k = spawnKstern(['runs-1', '--kubeconfig', kc]);
      await k.waitStderr((s) => s.includes('+ runs-1 › app'), 'attached');
      k.child.kill(sig);
      assert.equal((await k.exit).code, code, sig);
    }
  },
};

describe('exit codes (README table)', () => {
  for (const [code, when] of EXIT_CODES) {
    const test = rows[code];
    it(`${code}: ${when.slice(0, 60)}…`, async () => {
      assert.ok(test, `the row "${code}" has a test`);
      await test();
    });
  }
});
