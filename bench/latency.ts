// Latency from a line's creation at the server to its arrival on the reader's side of stdout, kstern
// against `kubectl logs -f`, with `containers` containers each logging `rate` lines/s.
// Run: npm run build && npx tsx bench/latency.ts [--containers 40] [--rate 2000] [--seconds 10] [--runs 2]
//
// The harness appends the lines itself (every 10 ms, rate/100 lines per container) with its clock in the
// content, and reads each tool's stdout in the same process: latency = arrival − creation, one clock.
// Each tool follows alone (kstern, then kubectl, alternating per run); load starts once the server has
// all its log streams open, and only lines created during the measured window count.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer } from '../test/fake-apiserver/index.ts';

const { values } = parseArgs({
  options: {
    containers: { type: 'string', default: '40' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '2' },
    node: { type: 'string', default: process.execPath },
  },
});
const N = Number(values.containers);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const RUNS = Number(values.runs);
const BIN = join(import.meta.dirname, '..', 'bin', 'kstern.js');

const srv = await startFakeApiServer();
const kubeconfig = await srv.writeKubeconfig();
for (let p = 0; p < N; p++) srv.createPod({ name: `lat-${p}`, labels: { app: 'lat' }, containers: ['c'] });
const env = { ...process.env, KUBECONFIG: kubeconfig };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(argv: string[]): Promise<number[]> {
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const lat: number[] = [];
  let from = Number.POSITIVE_INFINITY;
  let rest = '';
  child.stdout.setEncoding('latin1');
  child.stdout.on('data', (s: string) => {
    const now = performance.now();
    const text = rest + s;
    const end = text.lastIndexOf('\n');
    rest = text.slice(end + 1);
    for (const m of text.slice(0, end).matchAll(/ t=([\d.]+) /g)) {
      const t = Number(m[1]);
      if (t >= from) lat.push(now - t);
    }
  });
  await srv.waitFor(() => srv.stats().logStreamsOpen >= N, 30_000);
  await sleep(500);
  let seq = 0;
  const per = Math.max(1, Math.round(RATE / 100));
  const start = performance.now();
  from = start + 1000; // the first second is warm-up
  while (performance.now() - start < (SECONDS + 1) * 1000) {
    const t = performance.now().toFixed(3);
    for (let p = 0; p < N; p++) {
      const lines: string[] = [];
      for (let i = 0; i < per; i++) lines.push(`x t=${t} seq=${seq++} payload-payload-payload-payload`);
      srv.appendLog('default', `lat-${p}`, 'c', lines);
    }
    await sleep(10);
  }
  await sleep(2000); // let the tail of the window arrive
  child.kill('SIGTERM');
  await new Promise((r) => child.once('close', r));
  return lat;
}

const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const tools: Record<string, string[]> = {
  kstern: [values.node, BIN, '-l', 'app=lat', `--max-log-requests=${N}`, '--tail', '0', '-o', 'raw'],
  kubectl: ['kubectl', 'logs', '-f', '-l', 'app=lat', `--max-log-requests=${N}`, '--tail=0'],
};
const all: Record<string, number[]> = { kstern: [], kubectl: [] };
for (let r = 0; r < RUNS; r++)
  for (const who of r % 2 === 0 ? ['kstern', 'kubectl'] : ['kubectl', 'kstern'])
    all[who] = all[who]!.concat(await measure(tools[who]!));
await srv.close();
const nodeVersion = spawnSync(values.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(
  `${N} containers × ${RATE} lines/s, ${SECONDS} s × ${RUNS} runs each, kstern on Node ${nodeVersion}\n`,
);
console.log('| tool | lines measured | p50 | p90 | p99 | max |');
console.log('|---|---|---|---|---|---|');
for (const [who, xs] of Object.entries(all)) {
  xs.sort((a, b) => a - b);
  const f = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `| ${who} | ${xs.length.toLocaleString('en')} | ${f(q(xs, 0.5))} | ${f(q(xs, 0.9))} | ${f(q(xs, 0.99))} | ${f(xs.at(-1)!)} |`,
  );
}
