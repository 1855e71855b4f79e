// `npm run bench`: kstern beside `kubectl logs` and the bare Node HTTP/2 client (bench/bare-client.mjs) on
// the fake API server, same run, alternating, several runs; prints medians with min–max (wall time, and
// CPU time when GNU time is installed) and writes the tables into bench/README.md (between the markers
// for the Node major it ran kstern on).
//
// npm run bench -- [--runs 5] [--node /path/to/node] [--before /path/to/old/bin/kstern.js] [--no-write]
// --node runs kstern and the bare client on another Node (the harness and the server stay on this one);
// --serve only starts the server with the benchmark's pods and prints KUBECONFIG (for profiling by hand);
// --before adds a column for another kstern build (e.g. a copy of bin/ + dist/ from an older commit).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer } from '../test/fake-apiserver/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    node: { type: 'string', default: process.execPath },
    before: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const NODE = values.node;
const HERE = import.meta.dirname;
const BIN = join(HERE, '..', 'bin', 'kstern.js');
const BARE = join(HERE, 'bare-client.mjs');
const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
const kubectlVersion =
  /gitVersion: "?v?([\d.]+)/.exec(
    spawnSync('kubectl', ['version', '--client', '-o', 'yaml'], { encoding: 'utf8' }).stdout,
  )?.[1] ?? 'missing';
if (kubectlVersion === 'missing') {
  console.error('kubectl is not on PATH');
  process.exit(1);
}

const srv = await startFakeApiServer();
const kubeconfig = await srv.writeKubeconfig();
const caFile = join(tmpdir(), `kstern-bench-ca-${process.pid}.pem`);
await writeFile(caFile, srv.caPem);
const env = { ...process.env, KUBECONFIG: kubeconfig };

// ~100 bytes per printed line with the `bulk-N c ` prefix.
const line = (i: number) =>
  `2026-11-26T05:40:08.358Z INFO  request handled path=/api/v1/orders/${i} duration=12ms user=u${i % 97}`;
function fill(pod: string, n: number, labels?: Record<string, string>): void {
  srv.createPod({ name: pod, containers: ['c'], ...(labels ? { labels } : {}) });
  for (let i = 0; i < n; i += 1000)
    srv.appendLog(
      'default',
      pod,
      'c',
      Array.from({ length: Math.min(1000, n - i) }, (_, j) => line(i + j)),
    );
}
const PODS = 10;
const PER_POD = 100_000;
const BIG = 200_000;
for (let p = 0; p < PODS; p++) fill(`bulk-${p}`, PER_POD, { app: 'bulk' });
fill('big', BIG);
fill('small', 2);

if (values.serve) {
  console.log(`KUBECONFIG=${kubeconfig}`);
  console.log(`bare client: ${NODE} ${BARE} ${srv.url} ${caFile} ${srv.token} default bulk-0/c ...`);
  await new Promise(() => {});
}

type Tool = 'kubectl' | 'bare' | 'kstern' | 'before';
interface Case {
  name: string;
  lines: number;
  /** argv per tool (the first element is the program). */
  argv: Partial<Record<Tool, string[]>>;
}
const bulkTargets = Array.from({ length: PODS }, (_, p) => `bulk-${p}/c`);
const ks = (...a: string[]) => [NODE, BIN, ...a];
const bare = (...a: string[]) => [NODE, BARE, srv.url, caFile, srv.token, 'default', ...a];
const cases: Case[] = [
  {
    name: `${PODS} pods × ${PER_POD.toLocaleString('en')} lines, prefixed`,
    lines: PODS * PER_POD,
    argv: {
      kubectl: [
        'kubectl',
        'logs',
        '-l',
        'app=bulk',
        '--prefix',
        '--tail=-1',
        `--max-log-requests=${PODS + 1}`,
      ],
      bare: bare(...bulkTargets),
      kstern: ks('-l', 'app=bulk', '--no-follow', `--max-log-requests=${PODS + 1}`),
    },
  },
  {
    name: `one container, ${BIG.toLocaleString('en')} lines`,
    lines: BIG,
    argv: {
      kubectl: ['kubectl', 'logs', 'big', '-c', 'c'],
      bare: bare('--raw', 'big/c'),
      kstern: ks('pod/big', '--no-follow', '-o', 'raw'),
    },
  },
  {
    name: 'first line (`--no-follow --tail 1`)',
    lines: 1,
    argv: {
      kubectl: ['kubectl', 'logs', 'small', '-c', 'c', '--tail', '1'],
      bare: bare('--tail', '1', 'small/c'),
      kstern: ks('pod/small', '--no-follow', '--tail', '1'),
    },
  },
  {
    name: '`--version` (bare: `node -e 0`)',
    lines: -1,
    argv: {
      kubectl: ['kubectl', 'version', '--client'],
      bare: [NODE, '-e', 'console.log(0)'],
      kstern: ks('--version'),
    },
  },
  {
    name: '`--help` (bare: `node -e 0`)',
    lines: -1,
    argv: {
      kubectl: ['kubectl', 'logs', '--help'],
      bare: [NODE, '-e', 'console.log(0)'],
      kstern: ks('--help'),
    },
  },
];
if (values.before)
  for (const c of cases) {
    const k = c.argv.kstern!;
    c.argv.before = [k[0]!, values.before, ...k.slice(2)];
  }

/** GNU time, for each run's CPU time (user + system): on a shared machine it varies less than wall time. */
const GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0 ? '/usr/bin/time' : undefined;

/**
 * Runs a command to its end with stdout piped; returns wall milliseconds, CPU milliseconds (NaN without
 * GNU time) and the number of lines.
 */
function time(argv: string[]): Promise<{ ms: number; cpuMs: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cmd = GNU_TIME ? [GNU_TIME, '-f', '\n__cpu %U %S', ...argv] : argv;
    const child = spawn(cmd[0]!, cmd.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (b: Buffer) => {
      err = (err + b.toString('latin1')).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const cpu = /__cpu ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}`));
      else resolve({ ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN, lines });
    });
  });
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (xs: number[]) => {
  const s = sorted(xs);
  const f = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  return `${f(median(xs))} (${f(s[0]!)}–${f(s.at(-1)!)})`;
};

const load0 = loadavg()[0]!;
const tools = (Object.keys(cases[0]!.argv) as Tool[]).filter((t) => cases[0]!.argv[t]);
const rows: string[] = [];
const cpuRows: string[] = [];
for (const c of cases) {
  const ms: Partial<Record<Tool, number[]>> = {};
  const cpu: Partial<Record<Tool, number[]>> = {};
  const order = tools.filter((t) => c.argv[t]);
  // One warm-up round (page cache, Node's compile cache), then RUNS rounds in a rotating order.
  for (let r = -1; r < RUNS; r++) {
    const k = Math.max(0, r) % order.length;
    for (const who of [...order.slice(k), ...order.slice(0, k)]) {
      const res = await time(c.argv[who]!);
      if (c.lines >= 0 && res.lines !== c.lines)
        throw new Error(`${who} printed ${res.lines} lines for "${c.name}", expected ${c.lines}`);
      if (r >= 0) {
        (ms[who] ??= []).push(res.ms);
        (cpu[who] ??= []).push(res.cpuMs);
      }
    }
  }
  const m = (t: Tool) => median(ms[t]!);
  const cells = order.map((t) => fmt(ms[t]!));
  const row = `| ${c.name} | ${cells.join(' | ')} | ${(m('kstern') / m('kubectl')).toFixed(2)} | ${(m('kstern') / m('bare')).toFixed(2)} |`;
  const mc = (t: Tool) => median(cpu[t]!);
  const cpuRow = `| ${c.name} | ${order.map((t) => `${mc(t).toFixed(0)} ms`).join(' | ')} | ${(mc('kstern') / mc('kubectl')).toFixed(2)} | ${(mc('kstern') / mc('bare')).toFixed(2)} |`;
  console.log(row);
  console.log(cpuRow);
  rows.push(row);
  cpuRows.push(cpuRow);
}
await srv.close();

const load1 = loadavg()[0]!;
const head: Record<Tool, string> = {
  kubectl: `kubectl logs ${kubectlVersion}`,
  bare: 'bare client',
  kstern: 'kstern',
  before: 'kstern before',
};
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}`;
const table = [
  `Node ${nodeVersion} (kstern and the bare client), kubectl ${kubectlVersion}, ${machine}, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}; ${RUNS} runs each after a warm-up, median (min–max), stdout piped to a line counter.`,
  '',
  `| case | ${tools.map((t) => head[t]).join(' | ')} | kstern / kubectl | kstern / bare |`,
  `|---|${tools.map(() => '---|').join('')}---|---|`,
  ...rows,
  ...(GNU_TIME
    ? [
        '',
        'CPU time (user + system, median), the same runs:',
        '',
        `| case | ${tools.map((t) => head[t]).join(' | ')} | kstern / kubectl | kstern / bare |`,
        `|---|${tools.map(() => '---|').join('')}---|---|`,
        ...cpuRows,
      ]
    : []),
].join('\n');
console.log(`\n${table}`);

if (!values['no-write']) {
  const major = nodeVersion.replace(/^v/, '').split('.')[0];
  const file = join(HERE, 'README.md');
  const begin = `<!-- bench:node${major} -->`;
  const end = `<!-- /bench:node${major} -->`;
  const text = readFileSync(file, 'utf8');
  const block = `${begin}\n${table}\n${end}`;
  const at = text.indexOf(begin);
  const out =
    at >= 0
      ? text.slice(0, at) + block + text.slice(text.indexOf(end, at) + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, out);
}
