// Container logs: one buffer per container instance (containerID), and the writer that streams a
// buffer to a client with the kubelet's options, honouring backpressure (never buffers more than one
// chunk beyond what the transport accepted, never drops a line).
import { formatNs, MonotonicClock, parseRfc3339, type TimestampFormat } from './time.ts';

export interface LogLine {
  ns: bigint;
  /** `<timestamp> ` */
  prefix: Buffer;
  /** content + '\n' */
  data: Buffer;
}

export class LogBuffer {
  readonly lines: LogLine[] = [];
  ended = false;
  readonly #listeners = new Set<() => void>();

  push(line: LogLine): void {
    if (this.ended) throw new Error('fake-apiserver: this container instance has ended; its log is closed');
    this.lines.push(line);
    this.#notify();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.#notify();
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #notify(): void {
    for (const fn of [...this.#listeners]) fn();
  }
}

export class LogStore {
  readonly #buffers = new Map<string, LogBuffer>();
  readonly #clock = new MonotonicClock();
  constructor(readonly format: TimestampFormat) {}

  buffer(containerID: string): LogBuffer {
    let b = this.#buffers.get(containerID);
    if (!b) this.#buffers.set(containerID, (b = new LogBuffer()));
    return b;
  }

  append(containerID: string, content: Buffer, timestamp?: string): void {
    let ns: bigint;
    let ts: string;
    if (timestamp === undefined) {
      ns = this.#clock.next();
      ts = formatNs(ns, this.format);
    } else {
      const parsed = parseRfc3339(timestamp);
      if (parsed === undefined) throw new Error(`fake-apiserver: not an RFC3339 timestamp: ${timestamp}`);
      ns = parsed;
      ts = timestamp;
      this.#clock.observe(ns);
    }
    this.buffer(containerID).push({
      ns,
      prefix: Buffer.from(`${ts} `),
      data: Buffer.concat([content, Buffer.from('\n')]),
    });
  }
}

export interface LogSink {
  /** false: wait for onDrain before writing more. */
  write(chunk: Buffer): boolean;
  onDrain(fn: () => void): void;
  end(): void;
  readonly closed: boolean;
}

export interface LogQuery {
  follow: boolean;
  timestamps: boolean;
  sinceNs?: bigint;
  tailLines?: number;
  limitBytes?: number;
}

const CHUNK = 64 * 1024;

/** Streams `buf` to `sink`; returns a function that stops the writer (without ending the sink). */
export function pipeLog(buf: LogBuffer, q: LogQuery, sink: LogSink, onDone: () => void): () => void {
  const passes = (l: LogLine) => q.sinceNs === undefined || l.ns >= q.sinceNs;
  let idx = 0;
  if (q.tailLines !== undefined) {
    let n = 0;
    idx = buf.lines.length;
    while (idx > 0 && n < q.tailLines) {
      if (passes(buf.lines[idx - 1]!)) n++;
      idx--;
    }
  }
  const snapshotEnd = buf.lines.length;
  let remaining = q.limitBytes ?? Number.POSITIVE_INFINITY;
  let waiting = false;
  let done = false;
  let unsubscribe = () => {};

  const finish = () => {
    if (done) return;
    done = true;
    unsubscribe();
    if (!sink.closed) sink.end();
    onDone();
  };

  const pump = () => {
    if (done || waiting) return;
    if (sink.closed) return finish();
    for (;;) {
      const end = q.follow ? buf.lines.length : snapshotEnd;
      if (idx >= end) {
        if (!q.follow || buf.ended) finish();
        return;
      }
      const parts: Buffer[] = [];
      let size = 0;
      while (idx < end && size < CHUNK && size < remaining) {
        const l = buf.lines[idx++]!;
        if (!passes(l)) continue;
        if (q.timestamps) {
          parts.push(l.prefix);
          size += l.prefix.length;
        }
        parts.push(l.data);
        size += l.data.length;
      }
      if (parts.length === 0) continue;
      let chunk = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      if (chunk.length >= remaining) {
        chunk = chunk.subarray(0, remaining);
        remaining = 0;
        sink.write(chunk);
        return finish();
      }
      remaining -= chunk.length;
      if (!sink.write(chunk)) {
        waiting = true;
        sink.onDrain(() => {
          waiting = false;
          pump();
        });
        return;
      }
    }
  };

  if (q.follow) unsubscribe = buf.subscribe(pump);
  pump();
  return () => {
    done = true;
    unsubscribe();
  };
}
