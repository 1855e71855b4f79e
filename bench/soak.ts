// Soak: 30 containers logging while the fake API server drops, ends and GOAWAYs log streams, drops and
// resets watches, compacts its history, restarts containers and deletes (and replaces) pods. At the end
// every line written to a container instance is printed exactly once, in order per instance.
// kstern runs as the built binary (a child process).
//
//   npm run build && npx tsx bench/soak.ts [--seconds 60] [--rate 200] [--seed 1]

import { startFakeApiServer } from '../test/fake-apiserver/index.ts';
import { checkSeq } from '../test/integration/resilience/support.ts';
import { spawnKstern } from '../test/support/kstern.ts';
import { until } from '../test/support/wait.ts';

export interface SoakResult {
  seconds: number;
  containers: number;
  instances: number;
  linesWritten: number;
  linesPrinted: number;
  duplicates: number;
  losses: number;
  outOfOrder: number;
  faults: Record<string, number>;
  logRequests: number;
  watchRequests: number;
  listRequests: number;
  detail: string[];
  /** Fault log and kstern's stderr lines for the sources that lost or repeated lines (debugging). */
  events?: string[];
}

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ctr {
  pod: string;
  container: string;
  gen: number;
  seq: number;
  lastRestart: number;
  stopped: boolean;
}

export async function runSoak(
  o: { seconds?: number; rate?: number; seed?: number } = {},
): Promise<SoakResult> {
  const seconds = o.seconds ?? 60;
  const rate = o.rate ?? 200;
  const rnd = prng(o.seed ?? 1);
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
  const srv = await startFakeApiServer({ bookmarkIntervalMs: 500 });
  const kubeconfig = await srv.writeKubeconfig();
  const k = spawnKstern(['soak-', '--kubeconfig', kubeconfig]);
  const written = new Map<string, number>();
  const ctrs = new Map<string, Ctr>();
  const faults: Record<string, number> = {};
  const events: string[] = [];
  const t0 = Date.now();
  const count = (f: string, what = '') => {
    faults[f] = (faults[f] ?? 0) + 1;
    events.push(`${Date.now() - t0}ms ${f} ${what}`);
  };
  let nextPod = 0;
  const pods = new Set<string>();
  const newPod = () => {
    const name = `soak-${nextPod++}`;
    srv.createPod({ name, containers: ['a', 'b'] });
    pods.add(name);
    for (const c of ['a', 'b']) {
      ctrs.set(`${name}/${c}`, {
        pod: name,
        container: c,
        gen: 0,
        seq: 0,
        lastRestart: Date.now(),
        stopped: false,
      });
    }
  };
  for (let i = 0; i < 15; i++) newPod();
  const writeLines = () => {
    const n = Math.max(1, Math.round(rate / 20));
    for (const c of ctrs.values()) {
      if (c.stopped) continue;
      const src = `${c.pod}/${c.container}@${c.gen}`;
      const batch: string[] = [];
      for (let i = 0; i < n; i++) batch.push(`${src} seq=${++c.seq}`);
      srv.appendLog('default', c.pod, c.container, batch);
      written.set(src, c.seq);
    }
  };
  let writer: NodeJS.Timeout | undefined;
  try {
    await k.waitStderr(
      (s) => s.split('\n').filter((l) => l.startsWith('+ ')).length >= 30,
      '30 attached',
      15_000,
    );
    writer = setInterval(writeLines, 50);
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100 + rnd() * 300));
      const r = rnd();
      const livePods = [...pods];
      if (r < 0.2) {
        const f = rnd() < 0.5 ? {} : { pod: pick(livePods) };
        count('dropLogStreams', JSON.stringify(f));
        srv.dropLogStreams(f);
      } else if (r < 0.35) {
        const f = rnd() < 0.5 ? {} : { pod: pick(livePods) };
        count('endLogStreams', JSON.stringify(f));
        srv.endLogStreams(f);
      } else if (r < 0.45) {
        count('dropWatches');
        srv.dropWatches();
      } else if (r < 0.55) {
        count('resetWatches');
        srv.resetWatches();
      } else if (r < 0.62) {
        count('compact');
        srv.compact();
      } else if (r < 0.67) {
        count('goAway');
        srv.goAway(50);
      } else if (r < 0.85) {
        // Restart a container not restarted in the last 3 s (so the watch sees every instance).
        const c = pick([...ctrs.values()].filter((x) => !x.stopped && Date.now() - x.lastRestart > 3000));
        if (c) {
          count('restartContainer', `${c.pod}/${c.container}@${c.gen}`);
          srv.restartContainer('default', c.pod, c.container);
          c.gen++;
          c.seq = 0;
          c.lastRestart = Date.now();
        }
      } else {
        // Delete a pod like the kubelet: terminating, containers stop, then gone; a new pod replaces it.
        const name = pick(livePods);
        count('deletePod', name);
        pods.delete(name);
        const mine = [...ctrs.values()].filter((c) => c.pod === name);
        for (const c of mine) c.stopped = true;
        srv.markPodTerminating('default', name);
        for (const c of mine) srv.terminateContainer('default', name, c.container);
        setTimeout(() => {
          try {
            srv.deletePod('default', name);
          } catch {
            // the soak ended meanwhile
          }
          for (const c of mine) ctrs.delete(`${c.pod}/${c.container}`);
        }, 1000);
        newPod();
      }
    }
    clearInterval(writer);
    const total = () => [...written.values()].reduce((a, b) => a + b, 0);
    await until(() => checkSeq(k.lines(), written).losses === 0, 'every line', 30_000).catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    const rep = checkSeq(k.lines(), written);
    return {
      seconds,
      containers: 30,
      instances: written.size,
      linesWritten: total(),
      linesPrinted: rep.lines,
      duplicates: rep.duplicates,
      losses: rep.losses,
      outOfOrder: rep.outOfOrder,
      faults,
      logRequests: srv.requests.filter((r) => r.path.endsWith('/log')).length,
      watchRequests: srv.requests.filter((r) => r.query['watch'] !== undefined).length,
      listRequests: srv.requests.filter((r) => r.path.endsWith('/pods') && r.query['watch'] === undefined)
        .length,
      detail: rep.detail,
      ...(rep.losses + rep.duplicates + rep.outOfOrder > 0
        ? {
            events: [
              ...events,
              ...k
                .stderr()
                .split('\n')
                .filter((l) => rep.detail.some((d) => l.includes(d.split('/')[0]!))),
              ...srv.requests
                .filter((r) =>
                  rep.detail.some(
                    (d) =>
                      r.path.includes(`/${d.split('/')[0]!}/`) || r.path.endsWith(`/${d.split('/')[0]!}`),
                  ),
                )
                .map((r) => `${r.at - t0}ms ${r.status} ${r.path} ${JSON.stringify(r.query)}`),
            ],
          }
        : {}),
    };
  } finally {
    clearInterval(writer);
    if (k.child.exitCode === null) k.child.kill('SIGKILL');
    await k.exit;
    await srv.close();
  }
}

if (process.argv[1]?.endsWith('soak.ts')) {
  const arg = (name: string, d: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const r = await runSoak({ seconds: arg('seconds', 60), rate: arg('rate', 200), seed: arg('seed', 1) });
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.losses === 0 && r.duplicates === 0 && r.outOfOrder === 0 ? 0 : 1);
}
