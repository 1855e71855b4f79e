// How kstern's cost grows with the number of containers it follows, on the fake API server.
// Run: npm run build && npx tsx bench/scale.ts [--sizes 1,10,100,1000] [--seconds 60] [--rate 2] [--node path]
//      [--node-flags '--max-semi-space-size=4']
//
// For each size N (N/2 pods × 2 containers, one label): kstern follows them all (`-l app=scale
// --max-log-requests N`); reported: the time from the spawn until the server has N log streams open
// ("all streaming"), kstern's RSS once they are (idle: nothing logged yet), then every container logs
// `rate` lines/s for `seconds` and the RSS is sampled each second (at 20 s, at the end, the peak, and the
// slope of a line fitted over the second half: growth per minute), with kstern's CPU time per printed
// line. The memory per idle stream is (idle RSS at the largest N - idle RSS at the smallest) / (difference
// in N). The largest size also gets the full `seconds`; the others a third of it.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer } from '../test/fake-apiserver/index.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,100,1000' },
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '2' },
    node: { type: 'string', default: process.execPath },
    /** V8/Node flags for kstern, e.g. `--max-semi-space-size=4` (space-separated). */
    'node-flags': { type: 'string', default: '' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const BIN = join(import.meta.dirname, '..', 'bin', 'kstern.js');
/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on Linux. */
const TICK = 100;

async function procStat(pid: number): Promise<{ rssMiB: number; cpuMs: number }> {
  const [status, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
  ]);
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (1-based; 12 and 13 after the name).
  const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / TICK;
  return { rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024, cpuMs };
}

/** Least-squares slope of ys over xs. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  n: number;
  attachMs: number;
  idleMiB: number;
  at20MiB: number | undefined;
  endMiB: number;
  peakMiB: number;
  growthMiBPerMin: number;
  cpuUsPerLine: number;
  lines: number;
  seconds: number;
}

async function measure(n: number, seconds: number): Promise<Row> {
  const srv = await startFakeApiServer();
  const kubeconfig = await srv.writeKubeconfig();
  const pods = Math.max(1, Math.ceil(n / 2));
  const targets: { pod: string; container: string }[] = [];
  for (let p = 0; p < pods; p++) {
    const containers = n === 1 ? ['a'] : ['a', 'b'];
    srv.createPod({ name: `scale-${p}`, labels: { app: 'scale' }, containers });
    for (const c of containers) targets.push({ pod: `scale-${p}`, container: c });
  }
  const t0 = performance.now();
  const k = spawn(
    values.node,
    [
      ...values['node-flags'].split(' ').filter(Boolean),
      BIN,
      '-l',
      'app=scale',
      `--max-log-requests=${n}`,
      '--kubeconfig',
      kubeconfig,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let lines = 0;
  k.stdout.on('data', (b: Buffer) => {
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  });
  await srv.waitFor(() => srv.stats().logStreamsOpen >= n, 30_000);
  const attachMs = performance.now() - t0;
  await sleep(1000); // settle: the idle figure is after start-up garbage is collected
  const idle = await procStat(k.pid!);
  const stops = targets.map((t) => srv.startLoad({ ...t, linesPerSecond: RATE }));
  const xs: number[] = [];
  const ys: number[] = [];
  let at20: number | undefined;
  let peak = idle.rssMiB;
  const cpu0 = idle.cpuMs;
  const lines0 = lines;
  for (let s = 1; s <= seconds; s++) {
    await sleep(1000);
    const { rssMiB } = await procStat(k.pid!);
    xs.push(s);
    ys.push(rssMiB);
    peak = Math.max(peak, rssMiB);
    if (s === 20) at20 = rssMiB;
  }
  const end = await procStat(k.pid!);
  for (const stop of stops) stop();
  k.kill('SIGTERM');
  await new Promise((r) => k.once('close', r));
  await srv.close();
  const half = Math.floor(xs.length / 2);
  const printed = lines - lines0;
  return {
    n,
    attachMs,
    idleMiB: idle.rssMiB,
    at20MiB: at20,
    endMiB: end.rssMiB,
    peakMiB: peak,
    growthMiBPerMin: slope(xs.slice(half), ys.slice(half)) * 60,
    cpuUsPerLine: printed > 0 ? ((end.cpuMs - cpu0) * 1000) / printed : 0,
    lines: printed,
    seconds,
  };
}

const rows: Row[] = [];
const largest = Math.max(...SIZES);
for (const n of SIZES) {
  const r = await measure(n, n === largest ? SECONDS : Math.max(5, Math.round(SECONDS / 3)));
  rows.push(r);
  console.error(JSON.stringify(r));
}
const nodeVersion = await new Promise<string>((resolve) => {
  const c = spawn(values.node, ['--version']);
  let s = '';
  c.stdout.on('data', (b) => (s += b));
  c.on('close', () => resolve(s.trim()));
});
const f1 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
console.log(
  `Node ${nodeVersion}${values['node-flags'] ? ` ${values['node-flags']}` : ''}; every container logs ${RATE} lines/s while followed.\n`,
);
console.log(
  '| containers | all streaming after | RSS idle | RSS after 20 s | RSS at end (s) | RSS peak | growth, 2nd half | CPU per line |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.n} | ${r.attachMs.toFixed(0)} ms | ${f1(r.idleMiB)} MiB | ${f1(r.at20MiB)} MiB | ${f1(r.endMiB)} MiB (${r.seconds} s) | ${f1(r.peakMiB)} MiB | ${r.growthMiBPerMin.toFixed(2)} MiB/min | ${r.cpuUsPerLine.toFixed(0)} µs |`,
  );
const lo = rows.reduce((a, b) => (b.n < a.n ? b : a));
const hi = rows.reduce((a, b) => (b.n > a.n ? b : a));
if (hi.n > lo.n)
  console.log(
    `\nMemory per idle stream: ${(((hi.idleMiB - lo.idleMiB) * 1024) / (hi.n - lo.n)).toFixed(0)} KiB ((${f1(hi.idleMiB)} - ${f1(lo.idleMiB)}) MiB / ${hi.n - lo.n}).`,
  );
