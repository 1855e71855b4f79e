// Go's time.Time as the template functions need it: Format/Parse with Go layout strings (the
// reference time `Mon Jan 2 15:04:05 MST 2006`), time.Unix, In(loc) and LoadLocation. Offsets of named
// zones come from Intl; abbreviations (EST, JST, +04) from the system zoneinfo, as Go reads them.

import { existsSync, readFileSync } from 'node:fs';
import { civilFromDays, daysFromCivil, daysInMonth } from '@kstern/civil';

export interface Zone {
  offset: number; // seconds east of UTC
  abbrev: string;
}

export interface Location {
  readonly name: string;
  lookup(unixSec: number): Zone;
}

const UTC_ZONE: Zone = { offset: 0, abbrev: 'UTC' };
export const UTC: Location = { name: 'UTC', lookup: () => UTC_ZONE };

/** A zone with a fixed offset, as time.Parse fabricates for `+01:00` (name ''). */
export function fixedZone(name: string, offset: number): Location {
  const z = { offset, abbrev: name };
  return { name, lookup: () => z };
}

/** Seconds from 0001-01-01 to 1970-01-01. */
const ZERO_UNIX = -62135596800;

export class GoTime {
  /** Unix seconds (may be negative), nanoseconds 0..999999999, location. */
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly loc: Location,
  ) {}

  static zero(): GoTime {
    return new GoTime(ZERO_UNIX, 0, UTC);
  }

  /** time.Unix(sec, nsec) in `local` (the zone the run calls Local). */
  static unix(sec: number, nsec: number, local: Location): GoTime {
    const s = sec + Math.floor(nsec / 1e9);
    return new GoTime(s, nsec - Math.floor(nsec / 1e9) * 1e9, local);
  }

  in(loc: Location): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  utc(): GoTime {
    return this.in(UTC);
  }

  isZero(): boolean {
    return this.sec === ZERO_UNIX && this.nsec === 0;
  }

  format(layout: string): string {
    return formatTime(this, layout);
  }

  /** Time.String(). */
  toString(): string {
    return formatTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }
}

// ---- calendar ----

interface Civil {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  min: number;
  sec: number;
  yday: number; // 1..366
  wday: number; // 0 = Sunday
}

function civil(localSec: number): Civil {
  const days = Math.floor(localSec / 86400);
  let rem = localSec - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const hour = Math.floor(rem / 3600);
  rem -= hour * 3600;
  const min = Math.floor(rem / 60);
  const yday = days - daysFromCivil(year, 1, 1) + 1;
  const wday = (((days + 4) % 7) + 7) % 7;
  return { year, month, day, hour, min, sec: rem - min * 60, yday, wday };
}

const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// ---- layouts ----

enum Std {
  Lit = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

interface Chunk {
  std: Std;
  lit: string; // literal text (Std.Lit) or the separator of a fractional second
  digits: number; // for fractional seconds
}

const ZERO_STD = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Go's nextStdChunk, over the whole layout. */
function tokenizeLayout(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let lit = '';
  const push = (std: Std, digits = 0, sep = '') => {
    if (lit) out.push({ std: Std.Lit, lit, digits: 0 });
    lit = '';
    out.push({ std, lit: sep, digits });
  };
  let i = 0;
  const L = layout;
  while (i < L.length) {
    const c = L[i]!;
    const rest = L.slice(i);
    switch (c) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) {
            push(Std.LongMonth);
            i += 7;
          } else {
            push(Std.Month);
            i += 3;
          }
          continue;
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) {
            push(Std.LongWeekDay);
            i += 6;
          } else {
            push(Std.WeekDay);
            i += 3;
          }
          continue;
        }
        if (rest.startsWith('MST')) {
          push(Std.TZ);
          i += 3;
          continue;
        }
        break;
      case '0':
        if (L.length >= i + 2 && L[i + 1]! >= '1' && L[i + 1]! <= '6') {
          push(ZERO_STD[L.charCodeAt(i + 1) - 49]!);
          i += 2;
          continue;
        }
        if (rest.startsWith('002')) {
          push(Std.ZeroYearDay);
          i += 3;
          continue;
        }
        break;
      case '1':
        if (L[i + 1] === '5') {
          push(Std.Hour);
          i += 2;
        } else {
          push(Std.NumMonth);
          i += 1;
        }
        continue;
      case '2':
        if (rest.startsWith('2006')) {
          push(Std.LongYear);
          i += 4;
        } else {
          push(Std.Day);
          i += 1;
        }
        continue;
      case '_':
        if (L[i + 1] === '2') {
          if (rest.startsWith('_2006')) {
            lit += '_';
            push(Std.LongYear);
            i += 5;
          } else {
            push(Std.UnderDay);
            i += 2;
          }
          continue;
        }
        if (rest.startsWith('__2')) {
          push(Std.UnderYearDay);
          i += 3;
          continue;
        }
        break;
      case '3':
        push(Std.Hour12);
        i += 1;
        continue;
      case '4':
        push(Std.Minute);
        i += 1;
        continue;
      case '5':
        push(Std.Second);
        i += 1;
        continue;
      case 'P':
        if (L[i + 1] === 'M') {
          push(Std.PM);
          i += 2;
          continue;
        }
        break;
      case 'p':
        if (L[i + 1] === 'm') {
          push(Std.pm);
          i += 2;
          continue;
        }
        break;
      case '-':
      case 'Z': {
        const iso = c === 'Z';
        const forms: [string, Std, Std][] = [
          ['070000', Std.ISO8601SecondsTZ, Std.NumSecondsTz],
          ['07:00:00', Std.ISO8601ColonSecondsTZ, Std.NumColonSecondsTZ],
          ['0700', Std.ISO8601TZ, Std.NumTZ],
          ['07:00', Std.ISO8601ColonTZ, Std.NumColonTZ],
          ['07', Std.ISO8601ShortTZ, Std.NumShortTZ],
        ];
        const f = forms.find(([s]) => L.startsWith(s, i + 1));
        if (f) {
          push(iso ? f[1] : f[2]);
          i += 1 + f[0].length;
          continue;
        }
        break;
      }
      case '.':
      case ',': {
        const ch = L[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < L.length && L[j] === ch) j++;
          if (!isDigitAt(L, j)) {
            push(ch === '0' ? Std.FracSecond0 : Std.FracSecond9, j - (i + 1), c);
            i = j;
            continue;
          }
        }
        break;
      }
    }
    lit += c;
    i += 1;
  }
  if (lit) out.push({ std: Std.Lit, lit, digits: 0 });
  return out;
}

const layoutCache = new Map<string, Chunk[]>();
function chunks(layout: string): Chunk[] {
  let c = layoutCache.get(layout);
  if (!c) {
    c = tokenizeLayout(layout);
    if (layoutCache.size > 256) layoutCache.clear();
    layoutCache.set(layout, c);
  }
  return c;
}

function pad(n: number, w: number): string {
  if (n < 0) return '-' + pad(-n, w);
  const s = String(n);
  return s.length >= w ? s : '0'.repeat(w - s.length) + s;
}

export function formatTime(t: GoTime, layout: string): string {
  const zone = t.loc.lookup(t.sec);
  const offset = zone.offset;
  const c = civil(t.sec + offset);
  let b = '';
  for (const ch of chunks(layout)) {
    switch (ch.std) {
      case Std.Lit:
        b += ch.lit;
        break;
      case Std.Year:
        b += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case Std.LongYear:
        b += pad(c.year, 4);
        break;
      case Std.Month:
        b += LONG_MONTHS[c.month - 1]!.slice(0, 3);
        break;
      case Std.LongMonth:
        b += LONG_MONTHS[c.month - 1]!;
        break;
      case Std.NumMonth:
        b += c.month;
        break;
      case Std.ZeroMonth:
        b += pad(c.month, 2);
        break;
      case Std.WeekDay:
        b += LONG_DAYS[c.wday]!.slice(0, 3);
        break;
      case Std.LongWeekDay:
        b += LONG_DAYS[c.wday]!;
        break;
      case Std.Day:
        b += c.day;
        break;
      case Std.UnderDay:
        b += (c.day < 10 ? ' ' : '') + c.day;
        break;
      case Std.ZeroDay:
        b += pad(c.day, 2);
        break;
      case Std.UnderYearDay:
        b += String(c.yday).padStart(3, ' ');
        break;
      case Std.ZeroYearDay:
        b += pad(c.yday, 3);
        break;
      case Std.Hour:
        b += pad(c.hour, 2);
        break;
      case Std.Hour12:
        b += c.hour % 12 === 0 ? 12 : c.hour % 12;
        break;
      case Std.ZeroHour12:
        b += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        break;
      case Std.Minute:
        b += c.min;
        break;
      case Std.ZeroMinute:
        b += pad(c.min, 2);
        break;
      case Std.Second:
        b += c.sec;
        break;
      case Std.ZeroSecond:
        b += pad(c.sec, 2);
        break;
      case Std.PM:
        b += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case Std.pm:
        b += c.hour >= 12 ? 'pm' : 'am';
        break;
      case Std.ISO8601TZ:
      case Std.ISO8601ColonTZ:
      case Std.ISO8601SecondsTZ:
      case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonSecondsTZ:
      case Std.NumTZ:
      case Std.NumColonTZ:
      case Std.NumSecondsTz:
      case Std.NumShortTZ:
      case Std.NumColonSecondsTZ:
        b += formatOffset(ch.std, offset);
        break;
      case Std.TZ:
        if (zone.abbrev !== '') {
          b += zone.abbrev;
        } else {
          const z = Math.trunc(offset / 60);
          const a = Math.abs(z);
          b += (z < 0 ? '-' : '+') + pad(Math.floor(a / 60), 2) + pad(a % 60, 2);
        }
        break;
      case Std.FracSecond0:
        b += ch.lit + pad(t.nsec, 9).slice(0, ch.digits);
        break;
      case Std.FracSecond9: {
        const f = pad(t.nsec, 9).slice(0, ch.digits).replace(/0+$/, '');
        if (f) b += ch.lit + f;
        break;
      }
    }
  }
  return b;
}

function formatOffset(std: Std, offset: number): string {
  const iso =
    std === Std.ISO8601TZ ||
    std === Std.ISO8601ColonTZ ||
    std === Std.ISO8601SecondsTZ ||
    std === Std.ISO8601ShortTZ ||
    std === Std.ISO8601ColonSecondsTZ;
  if (offset === 0 && iso) return 'Z';
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let b = '+';
  if (zone < 0) {
    b = '-';
    zone = -zone;
    abs = -abs;
  }
  b += pad(Math.floor(zone / 60), 2);
  const colon =
    std === Std.ISO8601ColonTZ ||
    std === Std.NumColonTZ ||
    std === Std.ISO8601ColonSecondsTZ ||
    std === Std.NumColonSecondsTZ;
  if (colon) b += ':';
  if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) b += pad(zone % 60, 2);
  if (
    std === Std.ISO8601SecondsTZ ||
    std === Std.NumSecondsTz ||
    std === Std.NumColonSecondsTZ ||
    std === Std.ISO8601ColonSecondsTZ
  ) {
    if (std === Std.NumColonSecondsTZ || std === Std.ISO8601ColonSecondsTZ) b += ':';
    b += pad(abs % 60, 2);
  }
  return b;
}

// ---- parsing ----

export interface ParsedTime {
  time: GoTime;
  /** Whether the value carried a numeric offset or a zone name. */
  zoneKind: 'none' | 'named' | 'numeric';
}

class ParseFail extends Error {}

function getnum(v: { s: string }, fixed: boolean): number {
  const s = v.s;
  if (!isDigitAt(s, 0)) throw new ParseFail();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new ParseFail();
    v.s = s.slice(1);
    return s.charCodeAt(0) - 48;
  }
  v.s = s.slice(2);
  return (s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48);
}

function cutspace(s: string): string {
  let i = 0;
  while (i < s.length && s[i] === ' ') i++;
  return s.slice(i);
}

function skip(v: { s: string }, prefix: string): void {
  let p = prefix;
  let s = v.s;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (s.length > 0 && s[0] !== ' ') throw new ParseFail();
      p = cutspace(p);
      s = cutspace(s);
      continue;
    }
    if (s.length === 0 || s[0] !== p[0]) throw new ParseFail();
    p = p.slice(1);
    s = s.slice(1);
  }
  v.s = s;
}

function lookupName(names: string[], v: { s: string }, len: number | null): number {
  for (let i = 0; i < names.length; i++) {
    const n = len === null ? names[i]! : names[i]!.slice(0, len);
    if (v.s.length >= n.length && v.s.slice(0, n.length).toLowerCase() === n.toLowerCase()) {
      v.s = v.s.slice(n.length);
      return i;
    }
  }
  throw new ParseFail();
}

function parseNanos(s: string, n: number): number {
  // s[0] is the separator; digits follow. More than 9 digits are truncated.
  let digits = s.slice(1, n);
  if (digits.length > 9) digits = digits.slice(0, 9);
  return Number(digits.padEnd(9, '0'));
}

/** Go's time.Parse for `layout` (UTC unless the value has an offset). Throws on a mismatch. */
export function parseTime(layout: string, value: string): ParsedTime {
  const cs = chunks(layout);
  const v = { s: value };
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffset: number | null = null;
  let zoneName: string | null = null;
  for (let k = 0; k < cs.length; k++) {
    const ch = cs[k]!;
    switch (ch.std) {
      case Std.Lit:
        skip(v, ch.lit);
        break;
      case Std.Year: {
        if (v.s.length < 2 || !isDigitAt(v.s, 0) || !isDigitAt(v.s, 1)) throw new ParseFail();
        const y = Number(v.s.slice(0, 2));
        v.s = v.s.slice(2);
        year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case Std.LongYear:
        if (v.s.length < 4 || !/^\d{4}/.test(v.s)) throw new ParseFail();
        year = Number(v.s.slice(0, 4));
        v.s = v.s.slice(4);
        break;
      case Std.Month:
        month = lookupName(LONG_MONTHS, v, 3) + 1;
        break;
      case Std.LongMonth:
        month = lookupName(LONG_MONTHS, v, null) + 1;
        break;
      case Std.NumMonth:
      case Std.ZeroMonth:
        month = getnum(v, ch.std === Std.ZeroMonth);
        if (month <= 0 || month > 12) throw new ParseFail();
        break;
      case Std.WeekDay:
        lookupName(LONG_DAYS, v, 3);
        break;
      case Std.LongWeekDay:
        lookupName(LONG_DAYS, v, null);
        break;
      case Std.Day:
      case Std.UnderDay:
      case Std.ZeroDay:
        if (ch.std === Std.UnderDay && v.s[0] === ' ') v.s = v.s.slice(1);
        day = getnum(v, ch.std === Std.ZeroDay);
        break;
      case Std.UnderYearDay:
      case Std.ZeroYearDay: {
        if (ch.std === Std.UnderYearDay) v.s = v.s.replace(/^ {1,2}/, '');
        const m = /^\d{1,3}/.exec(v.s);
        if (!m) throw new ParseFail();
        yday = Number(m[0]);
        v.s = v.s.slice(m[0].length);
        break;
      }
      case Std.Hour:
        hour = getnum(v, false);
        if (hour > 23) throw new ParseFail();
        break;
      case Std.Hour12:
      case Std.ZeroHour12:
        hour = getnum(v, ch.std === Std.ZeroHour12);
        if (hour > 12) throw new ParseFail();
        break;
      case Std.Minute:
      case Std.ZeroMinute:
        min = getnum(v, ch.std === Std.ZeroMinute);
        if (min > 59) throw new ParseFail();
        break;
      case Std.Second:
      case Std.ZeroSecond: {
        sec = getnum(v, ch.std === Std.ZeroSecond);
        if (sec > 59) throw new ParseFail();
        // A fractional second in the value that the layout does not spell out.
        if (v.s.length >= 2 && (v.s[0] === '.' || v.s[0] === ',') && isDigitAt(v.s, 1)) {
          const next = cs[k + 1];
          if (next && (next.std === Std.FracSecond0 || next.std === Std.FracSecond9)) break;
          let n = 2;
          while (n < v.s.length && isDigitAt(v.s, n)) n++;
          nsec = parseNanos(v.s, n);
          v.s = v.s.slice(n);
        }
        break;
      }
      case Std.PM:
      case Std.pm: {
        const p = v.s.slice(0, 2);
        const up = ch.std === Std.PM ? p : p.toUpperCase();
        if (up === 'PM') pmSet = true;
        else if (up === 'AM') amSet = true;
        else throw new ParseFail();
        v.s = v.s.slice(2);
        break;
      }
      case Std.ISO8601TZ:
      case Std.ISO8601ColonTZ:
      case Std.ISO8601SecondsTZ:
      case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonSecondsTZ:
      case Std.NumTZ:
      case Std.NumColonTZ:
      case Std.NumSecondsTz:
      case Std.NumShortTZ:
      case Std.NumColonSecondsTZ: {
        const iso = ch.std >= Std.ISO8601TZ && ch.std <= Std.ISO8601ColonSecondsTZ;
        if (iso && v.s[0] === 'Z') {
          v.s = v.s.slice(1);
          zoneOffset = 0;
          zoneName = 'UTC';
          break;
        }
        const re = {
          [Std.ISO8601TZ]: /^([+-])(\d\d)(\d\d)/,
          [Std.NumTZ]: /^([+-])(\d\d)(\d\d)/,
          [Std.ISO8601ColonTZ]: /^([+-])(\d\d):(\d\d)/,
          [Std.NumColonTZ]: /^([+-])(\d\d):(\d\d)/,
          [Std.ISO8601SecondsTZ]: /^([+-])(\d\d)(\d\d)(\d\d)/,
          [Std.NumSecondsTz]: /^([+-])(\d\d)(\d\d)(\d\d)/,
          [Std.ISO8601ColonSecondsTZ]: /^([+-])(\d\d):(\d\d):(\d\d)/,
          [Std.NumColonSecondsTZ]: /^([+-])(\d\d):(\d\d):(\d\d)/,
          [Std.ISO8601ShortTZ]: /^([+-])(\d\d)/,
          [Std.NumShortTZ]: /^([+-])(\d\d)/,
        }[ch.std];
        const m = re.exec(v.s);
        if (!m) throw new ParseFail();
        const hh = Number(m[2]);
        const mm = Number(m[3] ?? 0);
        const ss = Number(m[4] ?? 0);
        if (hh > 24 || mm > 60 || ss > 60) throw new ParseFail();
        zoneOffset = (m[1] === '-' ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
        v.s = v.s.slice(m[0].length);
        break;
      }
      case Std.TZ: {
        if (v.s.startsWith('UTC')) {
          zoneName = 'UTC';
          v.s = v.s.slice(3);
          break;
        }
        const m = /^(GMT[+-]\d{1,2}|[A-Z][A-Za-z]{2,4})/.exec(v.s);
        if (!m) throw new ParseFail();
        zoneName = m[0];
        v.s = v.s.slice(m[0].length);
        break;
      }
      case Std.FracSecond0: {
        const n = 1 + ch.digits;
        if (v.s.length < n || (v.s[0] !== '.' && v.s[0] !== ',')) throw new ParseFail();
        for (let i = 1; i < n; i++) if (!isDigitAt(v.s, i)) throw new ParseFail();
        nsec = parseNanos(v.s, n);
        v.s = v.s.slice(n);
        break;
      }
      case Std.FracSecond9: {
        if (v.s.length < 2 || (v.s[0] !== '.' && v.s[0] !== ',') || !isDigitAt(v.s, 1)) break;
        let i = 0;
        while (i + 1 < v.s.length && isDigitAt(v.s, i + 1)) i++;
        nsec = parseNanos(v.s, 1 + i);
        v.s = v.s.slice(1 + i);
        break;
      }
    }
  }
  if (v.s.length > 0) throw new ParseFail();
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    if (month < 0) {
      let d = yday;
      month = 1;
      while (month < 12 && d > daysInMonth(year, month)) d -= daysInMonth(year, month++);
      day = d;
    }
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysInMonth(year, month)) throw new ParseFail();
  const wall = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  if (zoneOffset !== null) {
    const loc = zoneOffset === 0 ? UTC : fixedZone('', zoneOffset);
    return { time: new GoTime(wall - zoneOffset, nsec, loc), zoneKind: 'numeric' };
  }
  if (zoneName !== null) {
    const loc = zoneName === 'UTC' ? UTC : fixedZone(zoneName, 0);
    return { time: new GoTime(wall, nsec, loc), zoneKind: 'named' };
  }
  return { time: new GoTime(wall, nsec, UTC), zoneKind: 'none' };
}

/** time.Parse without exceptions: null when the value does not match the layout. */
export function tryParseTime(layout: string, value: string): ParsedTime | null {
  try {
    return parseTime(layout, value);
  } catch (e) {
    if (e instanceof ParseFail) return null;
    throw e;
  }
}

/** A new time with the same wall clock in `loc` (cast resets named-zone parses to the default zone). */
export function withWallClock(t: GoTime, loc: Location): GoTime {
  const wall = t.sec + t.loc.lookup(t.sec).offset;
  // For fixed offsets (our only default is UTC) the conversion is exact.
  const off = loc.lookup(wall).offset;
  return new GoTime(wall - off, t.nsec, loc);
}

// ---- locations ----

const ZONEINFO = '/usr/share/zoneinfo';
const locCache = new Map<string, Location>();
let zoneinfoPresent: boolean | undefined;
function haveZoneinfo(): boolean {
  zoneinfoPresent ??= existsSync(`${ZONEINFO}/UTC`);
  return zoneinfoPresent;
}

export class UnknownZoneError extends Error {}

/** time.LoadLocation: '' and 'UTC' → UTC, 'Local' → `local` (the run's zone), else an IANA name. */
export function loadLocation(name: string, local: Location): Location {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return local;
  const cached = locCache.get(name);
  if (cached) return cached;
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) {
    throw new UnknownZoneError('time: invalid location name');
  }
  const loc = ianaLocation(name, name);
  if (!loc) throw new UnknownZoneError(`unknown time zone ${name}`);
  locCache.set(name, loc);
  return loc;
}

const localCache = new Map<string, Location>();

/**
 * Go's Local for a run: `zone` is an IANA name, or '' / 'UTC' for UTC (the caller reads TZ at the edge:
 * see config/local-zone.ts). Named 'Local', as Go prints it.
 */
export function localLocationFor(zone: string): Location {
  let loc = localCache.get(zone);
  if (loc) return loc;
  const z = zone.replace(/^:/, '');
  if (z !== '' && z !== 'UTC' && z !== 'Etc/UTC') loc = ianaLocation('Local', z) ?? UTC;
  else loc = { name: 'Local', lookup: () => UTC_ZONE };
  localCache.set(zone, loc);
  return loc;
}

interface TzInfo {
  transitions: number[];
  types: number[];
  zones: { offset: number; isdst: boolean; abbrev: string }[];
  footer: { abbrev: string; offset: number }[];
}

function readTzif(name: string): TzInfo | null | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(`${ZONEINFO}/${name}`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!haveZoneinfo()) return undefined; // no system tzdata: Intl decides
    return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' ? null : undefined;
  }
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return null;
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((k) => buf.readUInt32BE(at + 20 + k * 4));
  let at = 0;
  let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  let tsize = 4;
  if (buf[4]! >= 0x32) {
    at = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(at) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    tsize = 8;
  }
  let p = at + 44;
  const transitions: number[] = [];
  for (let i = 0; i < timecnt; i++, p += tsize) {
    transitions.push(tsize === 8 ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
  }
  const types: number[] = [];
  for (let i = 0; i < timecnt; i++) types.push(buf[p++]!);
  const raw: { offset: number; isdst: boolean; idx: number }[] = [];
  for (let i = 0; i < typecnt; i++, p += 6) {
    raw.push({ offset: buf.readInt32BE(p), isdst: buf[p + 4] === 1, idx: buf[p + 5]! });
  }
  const chars = buf.toString('latin1', p, p + charcnt);
  const zones = raw.map((r) => ({
    offset: r.offset,
    isdst: r.isdst,
    abbrev: chars.slice(r.idx, chars.indexOf('\0', r.idx)),
  }));
  p += charcnt + leap * (tsize + 4) + isstd + isut;
  const footer: { abbrev: string; offset: number }[] = [];
  if (tsize === 8 && buf[p] === 0x0a) {
    const end = buf.indexOf(0x0a, p + 1);
    const tz = buf.toString('latin1', p + 1, end < 0 ? buf.length : end);
    // std offset [dst [offset]] [,rules]: names are letters or <...>; offsets are west-positive.
    const re = /^(<[^>]+>|[A-Za-z]+)([+-]?\d+(?::\d+){0,2})?/;
    let rest = tz.split(',')[0] ?? '';
    let prevOffset: number | null = null;
    for (let k = 0; k < 2 && rest; k++) {
      const m = re.exec(rest);
      if (!m) break;
      const abbrev = m[1]!.replace(/^<|>$/g, '');
      let offset: number;
      if (m[2]) {
        const [h, mi = '0', s = '0'] = m[2].replace(/^[+-]/, '').split(':');
        offset = (m[2].startsWith('-') ? 1 : -1) * (Number(h) * 3600 + Number(mi) * 60 + Number(s));
      } else offset = (prevOffset ?? 0) + 3600;
      footer.push({ abbrev, offset });
      prevOffset = offset;
      rest = rest.slice(m[0].length);
    }
  }
  return { transitions, types, zones, footer };
}

function ianaLocation(name: string, zone: string): Location | null {
  const info = readTzif(zone);
  if (info === null) return null; // no such zone file
  let dtf: Intl.DateTimeFormat;
  let short: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    short = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
  } catch {
    return null;
  }
  const cache = new Map<number, Zone>();
  return {
    name,
    lookup(sec: number): Zone {
      const hourKey = Math.floor(sec / 900);
      const hit = cache.get(hourKey);
      if (hit) return hit;
      const date = new Date(sec * 1000);
      const off = dtf.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
      const m = /GMT([+-])(\d\d):(\d\d)(?::(\d\d))?/.exec(off);
      const offset = m
        ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0))
        : 0;
      const z = { offset, abbrev: abbrevFor(info, sec, offset, short, date) };
      if (cache.size > 4096) cache.clear();
      cache.set(hourKey, z);
      return z;
    },
  };
}

function abbrevFor(
  info: TzInfo | undefined,
  sec: number,
  offset: number,
  short: Intl.DateTimeFormat,
  date: Date,
): string {
  if (info) {
    const tr = info.transitions;
    let lo = 0;
    let hi = tr.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (tr[mid]! <= sec) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (idx >= 0 && idx < tr.length - 1) {
      const z = info.zones[info.types[idx]!];
      if (z && z.offset === offset) return z.abbrev;
    }
    const f = info.footer.find((x) => x.offset === offset);
    if (f) return f.abbrev;
    if (idx >= 0) {
      const z = info.zones[info.types[idx]!];
      if (z && z.offset === offset) return z.abbrev;
    }
    for (let i = info.zones.length - 1; i >= 0; i--)
      if (info.zones[i]!.offset === offset) return info.zones[i]!.abbrev;
  }
  const name = short.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (/^[A-Z]{3,5}$/.test(name)) return name;
  const a = Math.abs(offset);
  const hh = pad(Math.floor(a / 3600), 2);
  const mm = Math.floor((a % 3600) / 60);
  return (offset < 0 ? '-' : '+') + hh + (mm ? pad(mm, 2) : '');
}
