// Runs kstern for tests: the built binary as a child process (e2e), or main() in-process
// (integration), both with stdout/stderr captured and observable.
import { type ChildProcess, spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { type Deps, main } from '../../src/main.ts';
import { until } from './wait.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'kstern.js');

export interface Captured {
  /** Everything written to stdout so far (as latin1, so bytes round-trip). */
  stdout(): string;
  stderr(): string;
  stdoutBytes(): Buffer;
  /** Lines of stdout so far (complete lines only). */
  lines(): string[];
  waitStdout(pred: (s: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  waitStderr(pred: (s: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

function capture(): { push(which: 'out' | 'err', b: Buffer): void; api: Captured } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outCache: Buffer | undefined;
  const stdoutBytes = () => (outCache ??= Buffer.concat(out));
  const stdout = () => stdoutBytes().toString('utf8');
  const stderr = () => Buffer.concat(err).toString('utf8');
  return {
    push(which, b) {
      if (which === 'out') {
        out.push(b);
        outCache = undefined;
      } else err.push(b);
    },
    api: {
      stdout,
      stderr,
      stdoutBytes,
      lines: () => {
        const s = stdout();
        const end = s.lastIndexOf('\n');
        return end < 0 ? [] : s.slice(0, end).split('\n');
      },
      waitStdout: (pred, what, t) =>
        until(
          () => pred(stdout()),
          () => `${what}; stdout was:\n${stdout().slice(-2000)}`,
          t,
        ),
      waitStderr: (pred, what, t) =>
        until(
          () => pred(stderr()),
          () => `${what}; stderr was:\n${stderr().slice(-2000)}`,
          t,
        ),
    },
  };
}

export interface Child extends Captured {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the built bin/kstern.js with stdout and stderr piped. */
export function spawnKstern(args: string[], env: Record<string, string | undefined> = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env['PATH'], HOME: homedir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const c = capture();
  child.stdout!.on('data', (b: Buffer) => c.push('out', b));
  child.stderr!.on('data', (b: Buffer) => c.push('err', b));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, exit, ...c.api };
}

export interface InProcess extends Captured {
  /** Sends a "signal" (aborts main's signal with that reason). */
  kill(sig?: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void;
  done: Promise<number>;
}

/** Runs main() in this process with captured, non-TTY (or TTY) stdout. */
export function runKstern(
  args: string[],
  o: {
    env?: Record<string, string | undefined>;
    tty?: boolean;
    /** stderr is a terminal (default: not). */
    stderrTty?: boolean;
    homeDir?: string;
    stdin?: string | Buffer;
    /** The run's own notice delays (Deps.delays). */
    delays?: Deps['delays'];
    /** Tail options of the run, tuned by the test (Deps.tailTuning). */
    tailTuning?: Deps['tailTuning'];
  } = {},
): InProcess {
  const c = capture();
  const stdout = Object.assign(new PassThrough(), { isTTY: o.tty ?? false });
  const stderr = Object.assign(new PassThrough(), { isTTY: o.stderrTty ?? false });
  stdout.on('data', (b: Buffer) => c.push('out', b));
  stderr.on('data', (b: Buffer) => c.push('err', b));
  const ac = new AbortController();
  const stdin = o.stdin === undefined ? undefined : Readable.from([Buffer.from(o.stdin)]);
  const done = main(args, {
    ...(stdin ? { stdin } : {}),
    stdout,
    stderr,
    env: o.env ?? {},
    homeDir: o.homeDir ?? '/nonexistent-home',
    signal: ac.signal,
    ...(o.tailTuning ? { tailTuning: o.tailTuning } : {}),
    ...(o.delays ? { delays: o.delays } : {}),
  });
  return { ...c.api, kill: (sig = 'SIGINT') => ac.abort(sig), done };
}
