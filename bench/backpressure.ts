// Backpressure with a slow reader: `kstern … | (sleep N; cat)` while 20 containers log at full speed.
// kstern (the built binary, a child process) must not buffer what the reader has not taken: its RSS
// stays bounded, and once the reader reads, every line arrives exactly once.
//
//   npm run build && npx tsx bench/backpressure.ts [--containers 20] [--rate 5000] [--sleep 5] [--seconds 10]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer } from '../test/fake-apiserver/index.ts';
import { checkSeq } from '../test/integration/resilience/support.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'kstern.js');

export interface BackpressureResult {
  containers: number;
  linesPerSecondEach: number;
  readerSleepS: number;
  lines: number;
  duplicates: number;
  losses: number;
  outOfOrder: number;
  baselineRssMiB: number;
  /** Peak RSS while the reader slept (the pipe full, the containers logging). */
  peakRssWhileBlockedMiB: number;
  peakRssMiB: number;
  /** Bytes the fake server had written but not yet sent, at the peak (backpressure reaching the server). */
  serverBufferedPeakKiB: number;
}

function rssMiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024,
    () => 0,
  );
}

export async function runBackpressure(o: {
  containers?: number;
  linesPerSecond?: number;
  readerSleepS?: number;
  seconds?: number;
}): Promise<BackpressureResult> {
  const containers = o.containers ?? 20;
  const rate = o.linesPerSecond ?? 5000;
  const sleepS = o.readerSleepS ?? 5;
  const seconds = o.seconds ?? Math.max(sleepS + 3, 8);
  const srv = await startFakeApiServer();
  const kubeconfig = await srv.writeKubeconfig();
  const pods = Math.ceil(containers / 2);
  for (let i = 0; i < pods; i++) srv.createPod({ name: `bp-${i}`, containers: ['a', 'b'] });
  const dir = await mkdtemp(join(tmpdir(), 'kstern-bp-'));
  const file = join(dir, 'out');
  const reader = spawn('bash', ['-c', `sleep ${sleepS}; exec cat > "${file}"`], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const k = spawn(process.execPath, [BIN, 'bp-', '--kubeconfig', kubeconfig], {
    stdio: ['ignore', reader.stdin!, 'pipe'],
  });
  reader.stdin!.destroy();
  k.stderr!.resume();
  const exited = new Promise<void>((r) => k.on('close', () => r()));
  const readerDone = new Promise<void>((r) => reader.on('close', () => r()));
  try {
    await srv.waitFor(() => srv.stats().logStreamsOpen >= containers, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const baseline = await rssMiB(k.pid!);
    const t0 = Date.now();
    const stops: (() => void)[] = [];
    const counts = new Map<string, number>();
    for (let i = 0; i < pods; i++) {
      for (const c of ['a', 'b'].slice(0, Math.min(2, containers - i * 2))) {
        stops.push(
          srv.startLoad({ pod: `bp-${i}`, container: c, linesPerSecond: rate, count: rate * seconds }),
        );
        counts.set(`bp-${i}/${c}`, rate * seconds);
      }
    }
    let peakBlocked = 0;
    let peak = 0;
    let serverPeak = 0;
    const sampler = setInterval(async () => {
      const r = await rssMiB(k.pid!);
      peak = Math.max(peak, r);
      if (Date.now() - t0 < sleepS * 1000) peakBlocked = Math.max(peakBlocked, r);
      serverPeak = Math.max(serverPeak, srv.stats().logBytesBuffered);
    }, 50);
    // Wait until every line was written and read.
    const want = [...counts.values()].reduce((a, b) => a + b, 0);
    const deadline = Date.now() + (seconds + sleepS) * 1000 + 60_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const text = await readFile(file, 'utf8').catch(() => '');
      let n = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
      if (n >= want || Date.now() > deadline) break;
    }
    clearInterval(sampler);
    for (const s of stops) s();
    k.kill('SIGINT');
    await exited;
    await readerDone;
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    const r = checkSeq(lines, counts);
    return {
      containers,
      linesPerSecondEach: rate,
      readerSleepS: sleepS,
      lines: r.lines,
      duplicates: r.duplicates,
      losses: r.losses,
      outOfOrder: r.outOfOrder,
      baselineRssMiB: Math.round(baseline),
      peakRssWhileBlockedMiB: Math.round(peakBlocked),
      peakRssMiB: Math.round(peak),
      serverBufferedPeakKiB: Math.round(serverPeak / 1024),
    };
  } finally {
    if (k.exitCode === null) k.kill('SIGKILL');
    if (reader.exitCode === null) reader.kill('SIGKILL');
    await srv.close();
  }
}

if (process.argv[1]?.endsWith('backpressure.ts')) {
  const arg = (name: string, d: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const r = await runBackpressure({
    containers: arg('containers', 20),
    linesPerSecond: arg('rate', 5000),
    readerSleepS: arg('sleep', 5),
    seconds: arg('seconds', 10),
  });
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.losses === 0 && r.duplicates === 0 ? 0 : 1);
}
