// Timestamps: a strictly increasing nanosecond clock for log lines, and RFC3339 formatting/parsing.
import { hrtime } from 'node:process';

/** The kubelet writes `timestamps=true` prefixes as RFC3339NanoFixed (always 9 fraction digits). */
export type TimestampFormat = 'fixed' | 'trimmed';

const base = BigInt(Date.now()) * 1_000_000n - hrtime.bigint();

/** Nanoseconds since the epoch (wall clock with hrtime resolution). */
export function nowNs(): bigint {
  return base + hrtime.bigint();
}

/** A clock whose readings are strictly increasing. */
export class MonotonicClock {
  #last = 0n;
  next(): bigint {
    let t = nowNs();
    if (t <= this.#last) t = this.#last + 1n;
    this.#last = t;
    return t;
  }
  /** Makes later readings come after `t` (used for explicit timestamps). */
  observe(t: bigint): void {
    if (t > this.#last) this.#last = t;
  }
}

/** Formats epoch nanoseconds as RFC3339 with nanoseconds, UTC ("fixed": 9 digits; "trimmed": Go's RFC3339Nano). */
export function formatNs(ns: bigint, format: TimestampFormat = 'fixed'): string {
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const head = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  if (format === 'fixed') return `${head}.${frac}Z`;
  const t = frac.replace(/0+$/, '');
  return t ? `${head}.${t}Z` : `${head}Z`;
}

/** RFC3339 with whole seconds, like metav1.Time (creationTimestamp, startedAt, ...). */
export function rfc3339(ms: number = Date.now()): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC3339 timestamp (optional fraction up to ns) to epoch nanoseconds, or undefined. */
export function parseRfc3339(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const zone = m[4]!.toUpperCase();
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'));
}

/** Go's duration.HumanDuration, as the server uses for the Age column of tables. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  const d = Math.floor(h / 24);
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}
