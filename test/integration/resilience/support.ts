// Shared helpers of the resilience tests: sequence accounting, a TCP proxy that can black-hole its
// connections, and an in-process pipeline with injectable tail options (stall timeouts, backoff).
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KubeApi } from '../../../src/kube/api.ts';
import type { Writer } from '../../../src/output/writer.ts';
import type { LineSink } from '../../../src/tail/sink.ts';
import type { TailContext } from '../../../src/tail/tailer.ts';
import type { FakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';
import { until } from '../../support/wait.ts';

/** Per source (the text before ` seq=`), the sequence numbers seen, and what is wrong with them. */
export interface SeqReport {
  lines: number;
  sources: number;
  duplicates: number;
  /** Numbers missing between 1 and the highest seen (or `expected` when given). */
  losses: number;
  /** Lines that came after a higher number of the same source. */
  outOfOrder: number;
  detail: string[];
}

/**
 * Checks lines ending in `<source> seq=<n>`: every n from 1 to max (or expected[source]) exactly once,
 * increasing. Lines without `seq=` are ignored.
 */
export function checkSeq(lines: string[], expected?: Map<string, number>): SeqReport {
  const bySource = new Map<string, number[]>();
  let n = 0;
  for (const l of lines) {
    const m = /(\S+) seq=(\d+)$/.exec(l);
    if (!m) continue;
    n++;
    let a = bySource.get(m[1]!);
    if (!a) bySource.set(m[1]!, (a = []));
    a.push(Number(m[2]));
  }
  const r: SeqReport = {
    lines: n,
    sources: bySource.size,
    duplicates: 0,
    losses: 0,
    outOfOrder: 0,
    detail: [],
  };
  const names = new Set([...bySource.keys(), ...(expected?.keys() ?? [])]);
  for (const src of names) {
    const seqs = bySource.get(src) ?? [];
    const seen = new Set<number>();
    let prev = 0;
    let max = 0;
    for (const s of seqs) {
      if (seen.has(s)) {
        r.duplicates++;
        if (r.detail.length < 20) r.detail.push(`${src}: duplicate ${s}`);
      }
      if (s < prev) {
        r.outOfOrder++;
        if (r.detail.length < 20) r.detail.push(`${src}: ${s} after ${prev}`);
      }
      seen.add(s);
      prev = s;
      max = Math.max(max, s);
    }
    const want = expected?.get(src) ?? max;
    for (let i = 1; i <= want; i++) {
      if (!seen.has(i)) {
        r.losses++;
        if (r.detail.length < 20) r.detail.push(`${src}: lost ${i}`);
      }
    }
  }
  return r;
}

/** A TCP proxy in front of the fake server; `blackhole()` silently stops forwarding on open connections. */
export interface TcpProxy {
  port: number;
  url: string;
  /** Existing connections stop forwarding both ways (no FIN, no RST); new connections work. */
  blackhole(): number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<{ a: net.Socket; b: net.Socket; dead: boolean }>();
  const server = net.createServer((a) => {
    const b = net.connect(targetPort, '127.0.0.1');
    const pair = { a, b, dead: false };
    pairs.add(pair);
    a.on('data', (d) => {
      if (!pair.dead) b.write(d);
    });
    b.on('data', (d) => {
      if (!pair.dead) a.write(d);
    });
    const end = () => {
      pairs.delete(pair);
      a.destroy();
      b.destroy();
    };
    a.on('close', () => {
      if (!pair.dead) end();
    });
    b.on('close', () => {
      if (!pair.dead) end();
    });
    a.on('error', () => {});
    b.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    blackhole() {
      let n = 0;
      for (const p of pairs) {
        if (!p.dead) n++;
        p.dead = true;
      }
      return n;
    },
    async close() {
      for (const p of pairs) {
        p.a.destroy();
        p.b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A kubeconfig for `srv` with another server URL (the proxy) or an exec plugin as the user. */
export async function writeKubeconfig(
  srv: FakeApiServer,
  o: { server?: string; exec?: { command: string; args: string[] } } = {},
): Promise<string> {
  const user = o.exec
    ? {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: o.exec.command,
          args: o.exec.args,
          interactiveMode: 'Never',
        },
      }
    : { token: srv.token };
  const text = yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: {
          server: o.server ?? srv.url,
          'certificate-authority-data': Buffer.from(srv.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
    'current-context': 'x',
  });
  const dir = await mkdtemp(join(tmpdir(), 'kstern-resilience-'));
  const file = join(dir, 'config');
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

export interface Pipeline {
  stdout(): string;
  stderr(): string;
  lines(): string[];
  waitLines(pred: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Stops the run (as Ctrl-C does) and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * A real run (main() in-process, follow mode, no colour) of pods matching `query`, with `tail` tuning the
 * tail options of that run (stall monitor, backoff, a different sink, ...): the pipeline is run.ts's
 * own, not a copy of it.
 */
export async function startPipeline(
  kubeconfig: string,
  query: RegExp,
  tail: (api: KubeApi, run: { sink: LineSink; writer: Writer }) => Partial<TailContext> = () => ({}),
): Promise<Pipeline> {
  const k = runKstern([query.source, '--kubeconfig', kubeconfig, '--color', 'never'], {
    tailTuning: (api, run) => ({ backoff: { initialMs: 100, maxMs: 2000 }, ...tail(api, run) }),
  });
  return {
    stdout: k.stdout,
    stderr: k.stderr,
    lines: k.lines,
    waitLines: (pred, what, timeoutMs = 15_000) =>
      until(
        () => pred(k.lines()),
        () => `${what}; stderr: ${k.stderr().slice(-1500)}`,
        timeoutMs,
      ),
    async stop() {
      k.kill('SIGINT');
      await k.done;
    },
  };
}

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
