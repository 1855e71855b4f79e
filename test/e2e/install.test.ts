// The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into an empty prefix
// with no network (the package has no dependencies to fetch), then the installed `kstern` run by name
// against the fake API server. Packs the dist/ that `npm run build` made (--ignore-scripts: no rebuild
// under the feet of the other e2e tests).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { ROOT } from '../support/kstern.ts';

const MAX_INSTALL_BYTES = 5 * 1024 * 1024;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (asynchronously, so the in-process fake API server keeps answering). */
function run(
  cmd: string,
  args: string[],
  o: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Bytes of every file under `dir` (symlinks counted as links, not followed). */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await sizeOf(p) : (await lstat(p)).size;
  }
  return total;
}

describe('npm pack + npm install -g of the tarball', () => {
  let dir: string;
  let prefix: string;
  let env: NodeJS.ProcessEnv;
  let packed: { files: { path: string }[]; filename: string };
  let srv: FakeApiServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kstern-install-'));
    prefix = join(dir, 'prefix');
    env = {
      ...process.env,
      // The node running the tests runs npm and the installed `#!/usr/bin/env node` script too.
      PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH']}`,
      npm_config_cache: join(dir, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    const pack = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: ROOT,
      env,
    });
    assert.equal(pack.code, 0, pack.stderr);
    packed = JSON.parse(pack.stdout)[0];
    const install = await run(
      'npm',
      ['install', '--global', '--offline', '--prefix', prefix, join(dir, packed.filename)],
      { cwd: dir, env, timeoutMs: 120_000 },
    );
    assert.equal(install.code, 0, `npm install -g failed:\n${install.stdout}\n${install.stderr}`);
    srv = await startFakeApiServer();
  });
  after(async () => {
    await srv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the tarball holds the bundle, the licence and the notices, and no source map', () => {
    const files = packed.files.map((f) => f.path).sort();
    assert.deepEqual(files, [
      'LICENSE',
      'README.md',
      'THIRD_PARTY_NOTICES.md',
      'bin/kstern.js',
      'bin/kubectl-kstern.js',
      'dist/kstern.js',
      'package.json',
    ]);
  });

  it('installs one package, under 5 MB', async () => {
    const global = join(prefix, 'lib', 'node_modules');
    assert.deepEqual(await readdir(global), ['kstern'], 'nothing installed beside kstern');
    assert.ok(
      !(await readdir(join(global, 'kstern'))).includes('node_modules'),
      'kstern has no dependencies of its own',
    );
    const bytes = await sizeOf(prefix);
    assert.ok(bytes < MAX_INSTALL_BYTES, `the install takes ${bytes} bytes, more than 5 MB`);
  });

  it('`kstern --version` runs from the installed bin', async () => {
    const r = await run(join(prefix, 'bin', 'kstern'), ['--version'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^version: \d+\.\d+\.\d+/);
    assert.equal(r.stderr, '');
  });

  it('installs the kubectl plugin kubectl-kstern too, which says "kubectl kstern"', async () => {
    const r = await run(join(prefix, 'bin', 'kubectl-kstern'), ['--help'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: kubectl kstern \[pod-query\] \[flags\]/);
  });

  it('the installed kstern tails the fake cluster with --no-follow', async () => {
    srv.createPod({ name: 'installed-0', containers: ['app'] });
    srv.appendLog('default', 'installed-0', 'app', ['first line', 'second line']);
    const kubeconfig = await srv.writeKubeconfig();
    const r = await run(
      join(prefix, 'bin', 'kstern'),
      ['installed', '--no-follow', '--kubeconfig', kubeconfig],
      {
        cwd: dir,
        env: { PATH: env['PATH'], HOME: dir },
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'installed-0 app first line\ninstalled-0 app second line\n');
    assert.equal(
      r.stderr,
      '+ installed-0 › app\n- installed-0 › app\nkstern: 1 container, 2 lines, 0 failed streams\n',
    );
  });
});
