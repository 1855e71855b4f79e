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
