// Go's time.ParseDuration (the syntax of stern's --since), exact to the nanosecond, same errors; and
// beside it the human forms Go rejects, read by ms (`2d`, `2 days`, `1 week`).
import ms from 'ms';

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 MICRO SIGN
  μs: 1_000n, // U+03BC GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const LIMIT = 1n << 63n;

/** Milliseconds (fractional below 1 ms) of a Go duration such as `300ms`, `1.5h`, `2h45m`, `-1.5h`, `0`. */
export function parseGoDuration(s: string): number {
  return Number(parseGoDurationNs(s)) / 1e6;
}

/**
 * Nanoseconds of a Go duration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`. Throws Go's errors:
 * `time: invalid duration "<s>"`, `time: missing unit in duration "<s>"`,
 * `time: unknown unit "<u>" in duration "<s>"`; out of int64 range is invalid.
 */
export function parseGoDurationNs(orig: string): bigint {
  const invalid = (): Error => new Error(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s, 0))) throw invalid();
    // [0-9]*
    let i = 0;
    let v = 0n;
    for (; isDigit(s, i); i++) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > LIMIT) throw invalid();
    }
    const pre = i > 0;
    s = s.slice(i);
    // (\.[0-9]*)? — digits past int64 precision are read but ignored, like Go's leadingFraction.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let overflow = false;
      for (i = 0; isDigit(s, i); i++) {
        if (overflow) continue;
        const y = f * 10n + BigInt(s.charCodeAt(i) - 48);
        if (f > (LIMIT - 1n) / 10n || y > LIMIT) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i > 0;
      s = s.slice(i);
    }
    if (!pre && !post) throw invalid(); // no digits, e.g. ".s" or "-.s"
    // unit: up to the next [0-9.]
    for (i = 0; i < s.length && s[i] !== '.' && !isDigit(s, i); i++);
    if (i === 0) throw new Error(`time: missing unit in duration ${quote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${quote(u)} in duration ${quote(orig)}`);
    if (v > LIMIT / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // float64, as Go does: nanosecond-accurate for fractions of an hour.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) throw invalid();
    }
    d += v;
    if (d > LIMIT) throw invalid();
  }
  if (neg) return -d;
  if (d > LIMIT - 1n) throw invalid();
  return d;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Go's time.quote: double quotes; `"` and `\` escaped; control and non-ASCII bytes as `\xNN` (UTF-8). */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c >= 0x80) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

/** A number with a unit, as ms reads it (`2d`, `2 days`, `1.5 hours`, `-3h`); a bare number is not one. */
const HUMAN = /^-?(?:\d+)?\.?\d+ *[a-z]+$/i;

/**
 * Milliseconds of a duration typed by a user (--since): Go's syntax as stern takes it (`15m`, `1h30m`,
 * `1.5h`, `300ms`), or else a number and a unit as ms reads them: `2d`, `2 days`, `1 week`, `90 mins`,
 * `1y` (365.25 days). Anything else throws Go's error for it; a bare number (`10`) stays an error
 * (Go's "missing unit": it is not milliseconds, as ms would read it).
 */
export function parseUserDuration(s: string): number {
  try {
    return parseGoDuration(s);
  } catch (goError) {
    const text = s.trim();
    if (HUMAN.test(text)) {
      const v = ms(text as ms.StringValue);
      if (Number.isFinite(v)) return v;
    }
    throw goError;
  }
}

/**
 * The `sinceSeconds` to send for a --since duration. kstern never sends `sinceSeconds=0` (the API
 * rejects it, so stern's `--since 0` or `--since 500ms` makes every tail fail): 0 (or less) means no
 * limit (undefined, nothing sent), and anything else is rounded UP to whole seconds, so a duration under
 * 1 s asks for the last second and `1.5s` for the last 2 (stern truncates) — never less than asked.
 */
export function sinceSecondsFor(ms: number): number | undefined {
  if (!(ms > 0)) return undefined;
  return Math.ceil(ms / 1000);
}
