// --timestamps and --timezone: the API's RFC3339Nano timestamp rendered in a zone, as stern's Go layouts
// `2006-01-02T15:04:05.000000000Z07:00` (default) and `01-02 15:04:05` (short).
// Per line: one parse, a cached UTC-offset lookup (Intl is asked once per zone and UTC minute), integer
// arithmetic. No Intl formatting per line.

import { parseTimestampNs } from '../core/rfc3339.ts';
import { UserError } from '../util/errors.ts';

export type TimestampFormat = 'default' | 'short';

/**
 * Go's time.LoadLocation as stern uses it: `UTC`, `Local` and `` (= UTC) always load; otherwise an IANA
 * name the runtime's tz database knows (via Intl). Unlike Go on Linux, names are matched
 * case-insensitively (`asia/tokyo` works) because Intl does. Offsets such as `+09:00` are not zones.
 */
export function validateTimezone(tz: string): void {
  if (tz === '' || tz === 'UTC' || tz === 'Local') return;
  if (tz.startsWith('+') || tz.startsWith('-') || !intlAccepts(tz)) {
    throw new UserError(`unknown time zone ${tz}`, 2);
  }
}

function intlAccepts(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A renderer for API timestamps in `tz` (validated by validateTimezone). `Local` is `localZone`, the
 * process's zone as the caller knows it (an IANA name), else the zone Intl runs in. Returns undefined
 * for a timestamp it cannot parse (the caller prints `[missing timestamp] …`).
 */
export function timestampFormatter(
  format: TimestampFormat,
  tz: string,
  localZone?: string,
): (apiTs: string) => string | undefined {
  const zone = tz === 'Local' ? (localZone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone) : tz;
  const offsetOf = zone === '' || zone === 'UTC' ? () => 0 : offsetLookup(zone);
  const short = format === 'short';
  return (apiTs) => {
    const ns = parseTimestampNs(apiTs);
    if (ns === undefined) return undefined;
    let secs = ns / NS_PER_S;
    let nanos = ns - secs * NS_PER_S;
    if (nanos < 0n) {
      secs -= 1n;
      nanos += NS_PER_S;
    }
    const utc = Number(secs);
    const offset = offsetOf(utc);
    const d = new Date((utc + offset) * 1000);
    const mmdd = `${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
    const hms = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    if (short) return `${mmdd} ${hms}`;
    const year = String(d.getUTCFullYear()).padStart(4, '0');
    return `${year}-${mmdd}T${hms}.${String(nanos).padStart(9, '0')}${zoneSuffix(offset)}`;
  };
}

const NS_PER_S = 1_000_000_000n;

function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Go's `Z07:00`: `Z` for a zero offset (in any zone), else ±hh:mm with the seconds dropped. */
function zoneSuffix(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'Z';
  const minutes = Math.trunc(offsetSeconds / 60);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}

/** Cached entries before the cache is dropped (a long run keeps moving to new minutes). */
const MAX_CACHED_MINUTES = 4096;

/**
 * UTC offset in seconds of `zone` at a UTC second. Zone transitions happen on whole UTC minutes, so the
 * offset is asked of Intl once per minute and zone; the last minute is checked first.
 */
function offsetLookup(zone: string): (utcSeconds: number) => number {
  const intl = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  let lastMinute = Number.NaN;
  let lastOffset = 0;
  return (utcSeconds) => {
    const minute = Math.floor(utcSeconds / 60);
    if (minute === lastMinute) return lastOffset;
    let offset = cache.get(minute);
    if (offset === undefined) {
      offset = intlOffset(intl, minute * 60);
      if (cache.size >= MAX_CACHED_MINUTES) cache.clear();
      cache.set(minute, offset);
    }
    lastMinute = minute;
    lastOffset = offset;
    return offset;
  };
}

function intlOffset(intl: Intl.DateTimeFormat, utcSeconds: number): number {
  const f: Record<string, string> = {};
  for (const part of intl.formatToParts(utcSeconds * 1000)) f[part.type] = part.value;
  const y = Number(f['year']);
  const d = new Date(0);
  d.setUTCFullYear(f['era'] === 'BC' ? 1 - y : y, Number(f['month']) - 1, Number(f['day']));
  d.setUTCHours(Number(f['hour']), Number(f['minute']), Number(f['second']), 0);
  return Math.round((d.getTime() - utcSeconds * 1000) / 1000);
}
