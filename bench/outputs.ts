// Lines per second by output format, on one container's log read to its end (`--no-follow`).
// Run: npm run build && npx tsx bench/outputs.ts [--runs 3] [--lines 200000] [--node path] [--before bin]
// Each variant runs `runs` times after a warm-up, alternating; lines/s = lines read / median wall time
// (start-up included, so it is a floor), and kstern's CPU time (user + system) per line read.
// --before <path to an older build's bin/kstern.js>: each variant runs with that build too, in the same
// rounds, and the table gets its columns (on a shared machine the ratio means more than the times).
// --only <text>: only the variants whose name contains it.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer } from '../test/fake-apiserver/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    lines: { type: 'string', default: '200000' },
    node: { type: 'string', default: process.execPath },
    before: { type: 'string' },
    only: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const LINES = Number(values.lines);
const BIN = join(import.meta.dirname, '..', 'bin', 'kstern.js');

const srv = await startFakeApiServer();
const kubeconfig = await srv.writeKubeconfig();
srv.createPod({ name: 'big', containers: ['c'], labels: { app: 'big' } });
for (let i = 0; i < LINES; i += 1000)
  srv.appendLog(
    'default',
    'big',
    'c',
    Array.from(
      { length: Math.min(1000, LINES - i) },
      (_, j) =>
        `2026-11-26T05:40:08.358Z INFO  request handled path=/api/v1/orders/${i + j} duration=12ms user=u${(i + j) % 97}`,
    ),
  );

const allVariants: { name: string; args: string[] }[] = [
  { name: 'default (`<pod> <container> ` prefix)', args: [] },
  { name: '`-o raw`', args: ['-o', 'raw'] },
  { name: '`-o json`', args: ['-o', 'json'] },
  { name: '`--template "{{.PodName}} {{.Message}}"`', args: ['--template', '{{.PodName}} {{.Message}}'] },
  { name: "`-i 'orders/[0-9]*7 '` (1 line in 10 printed)", args: ['-i', 'orders/[0-9]*7 '] },
  { name: '`--timestamps`', args: ['--timestamps'] },
  { name: '`--color always` (coloured prefix)', args: ['--color', 'always'] },
  {
    name: "`-H 'orders/[0-9]*7 ' --color always` (1 line in 10 highlighted)",
    args: ['-H', 'orders/[0-9]*7 ', '--color', 'always'],
  },
  {
    name: '`--template "{{color .PodColor .PodName}} {{.Message}}" --color always`',
    args: ['--template', '{{color .PodColor .PodName}} {{.Message}}', '--color', 'always'],
  },
];

const variants = allVariants.filter((v) => values.only === undefined || v.name.includes(values.only));

/** Wall and CPU milliseconds of one run (CPU from the child's resource usage). */
function once(bin: string, args: string[]): Promise<{ ms: number; cpuMs: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // /usr/bin/time is not everywhere: the child reports its own CPU time on exit through stderr.
    const child = spawn(
      values.node,
      [
        '--import',
        'data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("\\ncpu "+((u.userCPUTime+u.systemCPUTime)/1000)+"\\n")})',
        bin,
        'pod/big',
        '--no-follow',
        '--kubeconfig',
        kubeconfig,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let lines = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (b: Buffer) => (err += b));
    child.on('error', reject);
    child.on('close', (code) => {
      const cpu = /\ncpu ([\d.]+)\n/.exec(err);
      if (code !== 0 || !cpu) reject(new Error(`kstern ${args.join(' ')} exited ${code}: ${err}`));
      else resolve({ ms: performance.now() - t0, cpuMs: Number(cpu[1]), lines });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const builds = values.before === undefined ? [BIN] : [BIN, values.before];
/** wall[build][variant], cpu[build][variant]: the runs' milliseconds. */
const wall: number[][][] = builds.map(() => variants.map(() => []));
const cpu: number[][][] = builds.map(() => variants.map(() => []));
const printed: number[] = [];
for (let r = -1; r < RUNS; r++) {
  const order = variants.map((_, i) => i);
  if (r % 2 === 1) order.reverse();
  for (const i of order) {
    const ks = builds.map((_, k) => k);
    if (r % 2 === 1) ks.reverse();
    for (const k of ks) {
      const res = await once(builds[k]!, variants[i]!.args);
      if (k === 0) printed[i] = res.lines;
      if (r >= 0) {
        wall[k]![i]!.push(res.ms);
        cpu[k]![i]!.push(res.cpuMs);
      }
    }
  }
}
await srv.close();
const nodeVersion = spawnSync(values.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(
  `${LINES.toLocaleString('en')} lines of one container, Node ${nodeVersion}, ${RUNS} runs, medians\n`,
);
const cells = (k: number, i: number) => {
  const w = median(wall[k]![i]!);
  const c = median(cpu[k]![i]!);
  return `${w.toFixed(0)} ms | ${Math.round((LINES / w) * 1000).toLocaleString('en')} | ${((c * 1000) / LINES).toFixed(2)} µs`;
};
if (builds.length === 1) {
  console.log('| output | lines printed | wall | lines/s | CPU per line |');
  console.log('|---|---|---|---|---|');
} else {
  console.log(
    '| output | lines printed | wall | lines/s | CPU per line | wall before | lines/s before | CPU per line before | CPU after / before |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
}
variants.forEach((v, i) => {
  const ratio =
    builds.length === 1
      ? ''
      : ` | ${cells(1, i)} | ${(median(cpu[0]![i]!) / median(cpu[1]![i]!)).toFixed(2)}`;
  console.log(`| ${v.name} | ${printed[i]!.toLocaleString('en')} | ${cells(0, i)}${ratio} |`);
});
