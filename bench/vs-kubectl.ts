// kstern against `kubectl logs`, same fake API server, same run: start-up, one big log, many containers.
// Run: npm run build && npx tsx bench/vs-kubectl.ts [--runs 7] [--lines 200000] [--pods 20]
// Prints medians and the ratio kstern / kubectl (below 1 = kstern faster). Needs kubectl on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer } from '../test/fake-apiserver/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    lines: { type: 'string', default: '200000' },
    pods: { type: 'string', default: '20' },
  },
});
const RUNS = Number(values.runs);
const LINES = Number(values.lines);
const PODS = Number(values.pods);
const BIN = join(import.meta.dirname, '..', 'bin', 'kstern.js');

if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) {
  console.error('kubectl is not on PATH');
  process.exit(1);
}

const srv = await startFakeApiServer();
const kubeconfig = await srv.writeKubeconfig();
const env = { ...process.env, KUBECONFIG: kubeconfig };

// One small pod, one pod with a big log, PODS pods with LINES/PODS lines each.
srv.createPod({ name: 'small', containers: ['c'] });
srv.appendLog('default', 'small', 'c', ['hello', 'world']);
const line = (i: number) =>
  `2026-11-26T05:40:08.358Z INFO  request handled path=/api/v1/orders/${i} duration=12ms`;
srv.createPod({ name: 'big', containers: ['c'] });
for (let i = 0; i < LINES; i += 1000)
  srv.appendLog(
    'default',
    'big',
    'c',
    Array.from({ length: 1000 }, (_, j) => line(i + j)),
  );
for (let p = 0; p < PODS; p++) {
  srv.createPod({ name: `many-${p}`, labels: { app: 'many' }, containers: ['c'] });
  const n = LINES / PODS;
  for (let i = 0; i < n; i += 1000)
    srv.appendLog(
      'default',
      `many-${p}`,
      'c',
      Array.from({ length: 1000 }, (_, j) => line(i + j)),
    );
}

/** Runs a command to its end with stdout piped; returns wall milliseconds and the number of lines. */
function time(cmd: string, args: string[]): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let lines = 0;
    child.stdout.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
      else resolve({ ms: performance.now() - t0, lines });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Case {
  name: string;
  kubectl: string[];
  kstern: string[];
  lines: number;
}
const cases: Case[] = [
  {
    name: 'start-up: a 2-line log',
    kubectl: ['logs', 'small', '-c', 'c'],
    kstern: ['pod/small', '--no-follow', '-o', 'raw'],
    lines: 2,
  },
  {
    name: `one container, ${LINES} lines`,
    kubectl: ['logs', 'big', '-c', 'c'],
    kstern: ['pod/big', '--no-follow', '-o', 'raw'],
    lines: LINES,
  },
  {
    name: `${PODS} pods, ${LINES / PODS} lines each, prefixed`,
    kubectl: ['logs', '-l', 'app=many', '--prefix', '--tail=-1', `--max-log-requests=${PODS}`],
    kstern: ['-l', 'app=many', '--no-follow', `--max-log-requests=${PODS}`],
    lines: LINES,
  },
];

console.log(
  `kstern vs kubectl logs (${(await import('node:os')).cpus().length} CPUs, ${RUNS} runs each, medians)\n`,
);
console.log('| case | kubectl logs | kstern | kstern / kubectl |');
console.log('|---|---|---|---|');
for (const c of cases) {
  const k: number[] = [];
  const s: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    // Alternate the order so neither tool always runs on a warmer server.
    const pair = r % 2 === 0 ? ['kubectl', 'kstern'] : ['kstern', 'kubectl'];
    for (const who of pair) {
      const res =
        who === 'kubectl'
          ? await time('kubectl', c.kubectl)
          : await time(process.execPath, [BIN, ...c.kstern]);
      if (res.lines !== c.lines)
        throw new Error(`${who} printed ${res.lines} lines for "${c.name}", expected ${c.lines}`);
      (who === 'kubectl' ? k : s).push(res.ms);
    }
  }
  const mk = median(k);
  const ms = median(s);
  console.log(`| ${c.name} | ${mk.toFixed(0)} ms | ${ms.toFixed(0)} ms | ${(ms / mk).toFixed(2)} |`);
}
await srv.close();
