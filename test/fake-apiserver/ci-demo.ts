// The README's "In CI" example, against the fake API server: a migration Job whose first pod fails and
// whose retry succeeds (or, with --fail, whose retries all fail), while a shell script runs kstern.
//
//   npm run build && npx tsx test/fake-apiserver/ci-demo.ts examples/ci-migrate.sh [--fail]
//
// `kstern` on the script's PATH is bin/kstern.js; KUBECONFIG points at the fake cluster (namespace ci).
// Exits with the script's exit code.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeApiServer, startFakeApiServer } from './index.ts';

const NS = 'ci';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One attempt of the Job: a pod that logs the migration and exits with `exitCode`. */
async function attempt(srv: FakeApiServer, pod: string, exitCode: number): Promise<void> {
  srv.createPod({
    namespace: NS,
    name: pod,
    labels: { 'job-name': 'migrate', 'batch.kubernetes.io/job-name': 'migrate' },
    containers: ['migrate'],
  });
  const log = (line: string) => srv.appendLog(NS, pod, 'migrate', line);
  log('INFO  connecting to postgres://db.ci:5432/shop');
  await sleep(200);
  log('INFO  applying 0042_add_orders_index');
  await sleep(200);
  if (exitCode === 0) {
    log('INFO  applying 0043_backfill_order_totals');
    await sleep(200);
    log('INFO  2 migrations applied in 0.4s');
  } else {
    log('ERROR could not obtain lock on table "orders": canceling statement due to lock timeout');
  }
  await sleep(100);
  srv.terminateContainer(NS, pod, 'migrate', exitCode);
}

async function main(): Promise<void> {
  const [script, ...rest] = process.argv.slice(2);
  if (!script) throw new Error('usage: ci-demo.ts <script> [--fail]');
  const fail = rest.includes('--fail');
  const srv = await startFakeApiServer();
  const kubeconfig = await srv.writeKubeconfig({ namespace: NS });
  const bin = await mkdtemp(join(tmpdir(), 'kstern-ci-demo-'));
  const kstern = join(bin, 'kstern');
  const entry = fileURLToPath(new URL('../../bin/kstern.js', import.meta.url));
  await writeFile(kstern, `#!/bin/sh\nexec "${process.execPath}" "${entry}" "$@"\n`);
  await chmod(kstern, 0o755);
  srv.createWorkload('Job', {
    namespace: NS,
    name: 'migrate',
    selector: { matchLabels: { 'job-name': 'migrate' } },
  });

  const child = spawn('/bin/sh', [script], {
    stdio: 'inherit',
    env: { ...process.env, KUBECONFIG: kubeconfig, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
  });
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 1)));
  // The step starts before the Job's first pod exists (--wait covers that).
  await sleep(500);
  await attempt(srv, 'migrate-7x2kq', 1);
  await sleep(300);
  await attempt(srv, 'migrate-9fzq2', fail ? 1 : 0);
  srv.finishJob(
    NS,
    'migrate',
    fail ? { failed: true, reason: 'BackoffLimitExceeded', failedPods: 2 } : { succeeded: 1, failedPods: 1 },
  );
  const code = await exited;
  await srv.close();
  process.exit(code);
}

await main();
