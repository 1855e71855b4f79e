// The API's per-line timestamps (`timestamps=true`): RFC3339 with 0–9 fraction digits, `Z` or `±hh:mm`.
// Parsed by hand with integer arithmetic: exact to the nanosecond, no Date, no regex.
import { civilFromDays, daysFromCivil, daysInMonth } from '@kstern/civil';

const SPACE = 0x20;
/** `2006-01-02T15:04:05Z` */
const MIN_LEN = 20;
/** `2006-01-02T15:04:05.999999999+07:00` */
const MAX_LEN = 35;
const NS_PER_S = 1_000_000_000n;

/** Splits `<rfc3339> <content>` at the first space. Without a valid timestamp there, the whole line is content. */
export function splitTimestamp(line: Buffer): { timestamp: string; content: Buffer } {
  const sp = line.indexOf(SPACE);
  if (sp >= MIN_LEN && sp <= MAX_LEN) {
    const ts = line.toString('latin1', 0, sp);
    if (scan(ts) !== undefined) return { timestamp: ts, content: line.subarray(sp + 1) };
  }
  return { timestamp: '', content: line };
}

/** Nanoseconds since the Unix epoch, or undefined if `ts` is not an RFC3339(Nano) timestamp. */
export function parseTimestampNs(ts: string): bigint | undefined {
  const r = scan(ts);
  return r === undefined ? undefined : BigInt(r.seconds) * NS_PER_S + BigInt(r.nanos);
}

/** RFC3339 UTC, whole seconds (truncated towards the past): the `sinceTime` to resume from. */
export function toSinceTime(ns: bigint): string {
  let secs = ns / NS_PER_S;
  if (ns < 0n && secs * NS_PER_S !== ns) secs -= 1n;
  const s = Number(secs);
  const days = Math.floor(s / 86400);
  const rem = s - days * 86400;
  const [y, m, d] = civilFromDays(days);
  return (
    `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T` +
    `${pad(Math.floor(rem / 3600), 2)}:${pad(Math.floor(rem / 60) % 60, 2)}:${pad(rem % 60, 2)}Z`
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Reads `len` ASCII digits at `at`; -1 if any is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1; // also NaN past the end
    v = v * 10 + c;
  }
  return v;
}

function scan(s: string): { seconds: number; nanos: number } | undefined {
  const n = s.length;
  if (n < MIN_LEN || n > MAX_LEN) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const min = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59) return undefined;

  let i = 19;
  let nanos = 0;
  if (s[i] === '.') {
    const start = ++i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    const len = i - start;
    if (len < 1 || len > 9) return undefined;
    nanos = digits(s, start, len) * 10 ** (9 - len);
  }

  let offset = 0;
  if (s[i] === 'Z') {
    i++;
  } else if ((s[i] === '+' || s[i] === '-') && s[i + 3] === ':') {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offset = (oh * 60 + om) * 60 * (s[i] === '-' ? -1 : 1);
    i += 6;
  } else {
    return undefined;
  }
  if (i !== n) return undefined;
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
  return { seconds, nanos };
}

// Order keys: what the resume bookkeeping compares per line, without a BigInt. The kubelet sends
// RFC3339Nano in UTC with all nine fraction digits (`2006-01-02T15:04:05.000000001Z`): at fixed width,
// string order is time order, so such a timestamp is its own key. Any other valid form (fewer digits,
// an offset) is turned into that form; the two UTC years an offset can reach outside 0000–9999 get keys
// that still sort: `/` (before every digit) or `:` (after) followed by the nanoseconds from the epoch
// plus 10^20, as 21 digits (years -1 and 10000 only: their nanoseconds have a fixed sign).

/** Length of the fixed-width form, `2006-01-02T15:04:05.000000001Z`. */
const FIXED_LEN = 30;
const EDGE_OFFSET = 10n ** 20n;

/** Two ASCII digits at `at` as a number; NaN-free: -1 if either is not a digit. */
function two(b: Uint8Array, at: number): number {
  const h = b[at]! - 48;
  const l = b[at + 1]! - 48;
  return h >= 0 && h <= 9 && l >= 0 && l <= 9 ? h * 10 + l : -1;
}

/**
 * Whether the line `b` starts with a valid fixed-width UTC timestamp and a space (`<30 bytes> `): the
 * same answer `splitTimestamp` gives for lines of that shape, checked on the bytes.
 */
export function startsWithFixedTimestamp(b: Uint8Array): boolean {
  if (b.length <= FIXED_LEN || b[FIXED_LEN] !== SPACE || b[29] !== 0x5a /* Z */ || b[19] !== 0x2e /* . */)
    return false;
  if (b[4] !== 0x2d || b[7] !== 0x2d || b[10] !== 0x54 || b[13] !== 0x3a || b[16] !== 0x3a) return false;
  for (let i = 20; i < 29; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return false;
  }
  const hi = two(b, 0);
  const lo = two(b, 2);
  const month = two(b, 5);
  const day = two(b, 8);
  const hour = two(b, 11);
  const min = two(b, 14);
  const sec = two(b, 17);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1) return false;
  if (day > 28 && day > daysInMonth(hi * 100 + lo, month)) return false;
  return hour >= 0 && hour <= 23 && min >= 0 && min <= 59 && sec >= 0 && sec <= 59;
}

/** The order key of a timestamp `splitTimestamp` accepted (see above). */
export function orderKey(ts: string): string {
  if (ts.length === FIXED_LEN && ts.charCodeAt(29) === 0x5a && ts.charCodeAt(19) === 0x2e) return ts;
  return keyFromNs(parseTimestampNs(ts) as bigint);
}

/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the range of fixed-width keys. */
const KEY_MIN_NS = BigInt(daysFromCivil(0, 1, 1) * 86400) * NS_PER_S;
const KEY_END_NS = BigInt(daysFromCivil(10000, 1, 1) * 86400) * NS_PER_S;

/** The order key of a time in nanoseconds from the epoch. */
export function keyFromNs(ns: bigint): string {
  if (ns < KEY_MIN_NS || ns >= KEY_END_NS)
    return (ns < 0n ? '/' : ':') + (ns + EDGE_OFFSET).toString().padStart(21, '0');
  const frac = ((ns % NS_PER_S) + NS_PER_S) % NS_PER_S;
  return `${toSinceTime(ns).slice(0, 19)}.${String(frac).padStart(9, '0')}Z`;
}

/** Nanoseconds from the epoch of an order key. */
export function nsFromKey(key: string): bigint {
  const c = key.charCodeAt(0);
  if (c === 0x2f || c === 0x3a) return BigInt(key.slice(1)) - EDGE_OFFSET;
  return parseTimestampNs(key) as bigint;
}

/** The `sinceTime` of an order key: its whole second (as `toSinceTime`). */
export function sinceTimeFromKey(key: string): string {
  const c = key.charCodeAt(0);
  if (c === 0x2f || c === 0x3a) return toSinceTime(nsFromKey(key));
  return `${key.slice(0, 19)}Z`;
}
