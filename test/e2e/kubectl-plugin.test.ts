// kstern as a kubectl plugin: `kubectl-kstern` on PATH (a symlink to bin/kubectl-kstern.js, as npm
// installs package.json's "bin"), run by the real kubectl as `kubectl kstern`. Help and usage errors
// then say "kubectl kstern"; under its own name they say "kstern". Skipped without kubectl on PATH.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { BIN, ROOT } from '../support/kstern.ts';

const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const skip = probe.error ? 'kubectl is not on PATH' : false;

let dir: string;
let srv: FakeApiServer;
let env: Record<string, string>;

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstern-plugin-'));
  await symlink(join(ROOT, 'bin', 'kubectl-kstern.js'), join(dir, 'kubectl-kstern'));
  await symlink(BIN, join(dir, 'kstern'));
  srv = await startFakeApiServer();
  env = {
    PATH: `${dir}:${process.env['PATH']}`,
    HOME: dir,
    KUBECONFIG: await srv.writeKubeconfig(),
  };
});
after(async () => {
  await srv.close();
  await rm(dir, { recursive: true, force: true });
});

describe('as a kubectl plugin', { skip }, () => {
  it('kubectl plugin list finds kubectl-kstern', async () => {
    const r = await run('kubectl', ['plugin', 'list']);
    assert.match(r.stdout, /kubectl-kstern/, r.stderr);
  });

  it('`kubectl kstern --help` says kubectl kstern', async () => {
    const r = await run('kubectl', ['kstern', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: kubectl kstern \[pod-query\] \[flags\]/);
    assert.match(r.stdout, /Use "kubectl kstern --show-hidden-options"/);
    assert.doesNotMatch(r.stdout, /Usage: kstern /);
  });

  it('a usage error says kubectl kstern, exit 2', async () => {
    const r = await run('kubectl', ['kstern', '--no-such-flag']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "kstern: error: unknown option '--no-such-flag' (see kubectl kstern --help)\n");
  });

  it('kubectl kstern tails the fake cluster', async () => {
    srv.createPod({ name: 'plugin-0', containers: ['app'] });
    srv.appendLog('default', 'plugin-0', 'app', 'hello from the plugin');
    const r = await run('kubectl', ['kstern', 'plugin-', '--no-follow', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'plugin-0 app hello from the plugin\n');
  });

  it('under its own name it says kstern', async () => {
    const r = await run('kstern', ['--no-such-flag']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "kstern: error: unknown option '--no-such-flag' (see kstern --help)\n");
  });
});
