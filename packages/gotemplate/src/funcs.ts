// The function map: Go's text/template builtins (funcs.go) and stern's functions (cmd/cmd.go
// generateTemplate; cmd/helper.go toTimeE; spf13/cast ToTimeE), plus methods of time.Time/json.Number.

import type { FuncDef, PType } from './exec.ts';
import { sgrWrap } from './fatih.ts';
import { formatValue, sprint, sprintf, sprintln } from './fmt.ts';
import { GoTime, type Location, loadLocation, tryParseTime, UTC, withWallClock } from './gotime.ts';
import { decodeMapUseNumber, jsonMarshal, jsonMarshalIndent, jsonValid, unmarshalMap } from './json.ts';
import {
  compareStrings,
  type GoColor,
  isPlainMap,
  isTrue,
  JsonNumber,
  NIL_ANY_MAP,
  TypedMap,
  typeName,
} from './values.ts';

function def(params: PType[], variadic: PType | null, call: (a: unknown[]) => unknown): FuncDef {
  return { params, variadic, call };
}

const ind = (v: unknown): unknown => (v === null ? undefined : v); // indirectInterface

// ---- comparison (eq, lt, …) ----

enum Kind {
  Invalid,
  Bool,
  Int,
  Float,
  String,
}

function basicKind(v: unknown): Kind {
  switch (typeof v) {
    case 'boolean':
      return Kind.Bool;
    case 'bigint':
      return Kind.Int;
    case 'number':
      return Kind.Float;
    case 'string':
      return Kind.String;
  }
  return v instanceof JsonNumber ? Kind.String : Kind.Invalid;
}

const str = (v: unknown): string => (v instanceof JsonNumber ? v.text : (v as string));

function isNilValue(v: unknown): boolean {
  return v === undefined || v === null || (v instanceof TypedMap && v.m === null);
}

function eq(a1: unknown, rest: unknown[]): boolean {
  const arg1 = ind(a1);
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const a of rest) {
    const arg = ind(a);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) {
        throw new Error(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
      }
    } else {
      switch (k1) {
        case Kind.Bool:
        case Kind.Int:
        case Kind.Float:
          truth = arg1 === arg;
          break;
        case Kind.String:
          truth = str(arg1) === str(arg);
          break;
        default:
          if (isNilValue(arg1) || isNilValue(arg)) truth = isNilValue(arg1) === isNilValue(arg);
          else if (Array.isArray(arg) || isPlainMap(arg) || arg instanceof TypedMap) {
            throw new Error(`non-comparable type ${formatValue(arg)}: ${typeName(arg)}`);
          } else if (arg1 instanceof GoTime && arg instanceof GoTime) {
            truth = arg1.sec === arg.sec && arg1.nsec === arg.nsec && arg1.loc === arg.loc;
          } else truth = arg1 === arg;
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(a1: unknown, a2: unknown): boolean {
  const arg1 = ind(a1);
  const arg2 = ind(a2);
  const k1 = basicKind(arg1);
  const k2 = basicKind(arg2);
  if (k1 === Kind.Invalid || k2 === Kind.Invalid) throw new Error('invalid type for comparison');
  if (k1 !== k2)
    throw new Error(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  switch (k1) {
    case Kind.Bool:
      throw new Error('invalid type for comparison');
    case Kind.String:
      return compareStrings(str(arg1), str(arg2)) < 0;
    default:
      return (arg1 as number) < (arg2 as number);
  }
}

const le = (a: unknown, b: unknown): boolean => lt(a, b) || eq(a, [b]);

// ---- index, slice, len ----

function indexArg(index: unknown, cap: number): number {
  const i = ind(index);
  if (typeof i !== 'bigint') {
    if (i === undefined) throw new Error('cannot index slice/array with nil');
    throw new Error(`cannot index slice/array with type ${typeName(i)}`);
  }
  if (i < 0n || i > BigInt(cap)) throw new Error(`index out of range: ${i}`);
  return Number(i);
}

function index(item0: unknown, indexes: unknown[]): unknown {
  let item = ind(item0);
  if (item === undefined) throw new Error('index of untyped nil');
  for (const idx of indexes) {
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x >= item.length) throw new Error('reflect: slice index out of range');
      item = item[x];
    } else if (typeof item === 'string') {
      const b = Buffer.from(item, 'utf8');
      const x = indexArg(idx, b.length);
      if (x >= b.length) throw new Error('reflect: string index out of range');
      item = BigInt(b[x]!);
    } else if (isPlainMap(item) || item instanceof TypedMap) {
      const key = ind(idx);
      if (key === undefined) throw new Error('value is nil; should be of type string');
      if (typeof key !== 'string') throw new Error(`value has type ${typeName(key)}; should be string`);
      const m = item instanceof TypedMap ? item.m : item;
      const zero = item instanceof TypedMap ? item.elemZero : null;
      item = m !== null && Object.hasOwn(m, key) ? m[key] : zero;
    } else {
      throw new Error(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(item0: unknown, indexes: unknown[]): unknown {
  const item = ind(item0);
  if (item === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  let bytes: Buffer | null = null;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    bytes = Buffer.from(item, 'utf8');
    cap = len = bytes.length;
  } else if (Array.isArray(item)) {
    cap = len = item.length;
  } else throw new Error(`can't slice item of type ${typeName(item)}`);
  const idx = [0, len, cap];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, cap);
  });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!)
    throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes) return bytes.subarray(idx[0], idx[1]).toString('utf8');
  return (item as unknown[]).slice(idx[0], idx[1]);
}

function length(item: unknown): bigint {
  if (item === null) throw new Error('len of nil pointer');
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return BigInt(Buffer.byteLength(item, 'utf8'));
  if (item instanceof JsonNumber) return BigInt(Buffer.byteLength(item.text, 'utf8'));
  if (Array.isArray(item)) return BigInt(item.length);
  if (item instanceof TypedMap) return BigInt(item.m === null ? 0 : Object.keys(item.m).length);
  if (isPlainMap(item)) return BigInt(Object.keys(item).length);
  throw new Error(`len of type ${typeName(item)}`);
}

// ---- escapers ----

function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\uFFFD'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

const JS_PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
function jsEscape(s: string): string {
  let b = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        b += '\\\\';
        continue;
      case "'":
        b += "\\'";
        continue;
      case '"':
        b += '\\"';
        continue;
      case '<':
        b += '\\u003C';
        continue;
      case '>':
        b += '\\u003E';
        continue;
      case '&':
        b += '\\u0026';
        continue;
      case '=':
        b += '\\u003D';
        continue;
    }
    if (c < 0x20) b += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c < 0x80 || JS_PRINT.test(ch)) b += ch;
    else b += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return b;
}

function queryEscape(s: string): string {
  let b = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) b += c;
    else if (c === ' ') b += '+';
    else b += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return b;
}

/** Go's text/template builtins. */
export function builtins(): Map<string, FuncDef> {
  const m = new Map<string, FuncDef>();
  m.set('and', { params: ['value'], variadic: 'value', call: () => undefined, special: 'and' });
  m.set('or', { params: ['value'], variadic: 'value', call: () => undefined, special: 'or' });
  m.set(
    'not',
    def(['value'], null, ([a]) => !isTrue(ind(a))),
  );
  m.set(
    'len',
    def(['value'], null, ([a]) => length(a)),
  );
  m.set(
    'index',
    def(['value'], 'value', ([a, ...rest]) => index(a, rest)),
  );
  m.set(
    'slice',
    def(['value'], 'value', ([a, ...rest]) => slice(a, rest)),
  );
  m.set(
    'print',
    def([], 'any', (a) => sprint(a)),
  );
  m.set(
    'println',
    def([], 'any', (a) => sprintln(a)),
  );
  m.set(
    'printf',
    def(['string'], 'any', ([f, ...rest]) => sprintf(f as string, rest)),
  );
  m.set(
    'html',
    def([], 'any', (a) => htmlEscape(evalArgs(a))),
  );
  m.set(
    'js',
    def([], 'any', (a) => jsEscape(evalArgs(a))),
  );
  m.set(
    'urlquery',
    def([], 'any', (a) => queryEscape(evalArgs(a))),
  );
  m.set(
    'call',
    def(['value'], 'value', ([fn]) => {
      const f = ind(fn);
      if (f === undefined) throw new Error('call of nil');
      throw new Error(`non-function of type ${typeName(f)}`);
    }),
  );
  m.set(
    'eq',
    def(['value'], 'value', ([a, ...rest]) => eq(a, rest)),
  );
  m.set(
    'ne',
    def(['value', 'value'], null, ([a, b]) => !eq(a, [b])),
  );
  m.set(
    'lt',
    def(['value', 'value'], null, ([a, b]) => lt(a, b)),
  );
  m.set(
    'le',
    def(['value', 'value'], null, ([a, b]) => le(a, b)),
  );
  m.set(
    'gt',
    def(['value', 'value'], null, ([a, b]) => !le(a, b)),
  );
  m.set(
    'ge',
    def(['value', 'value'], null, ([a, b]) => !lt(a, b)),
  );
  return m;
}

// ---- time (stern's toTimeE, spf13/cast ToTimeE) ----

const CAST_LAYOUTS: [string, 'none' | 'named' | 'numeric' | 'both' | 'timeonly'][] = [
  ['2006-01-02T15:04:05Z07:00', 'numeric'], // RFC3339
  ['2006-01-02T15:04:05', 'none'],
  ['Mon, 02 Jan 2006 15:04:05 -0700', 'numeric'], // RFC1123Z
  ['Mon, 02 Jan 2006 15:04:05 MST', 'named'], // RFC1123
  ['02 Jan 06 15:04 -0700', 'numeric'], // RFC822Z
  ['02 Jan 06 15:04 MST', 'named'], // RFC822
  ['Monday, 02-Jan-06 15:04:05 MST', 'named'], // RFC850
  ['2006-01-02 15:04:05.999999999 -0700 MST', 'both'], // Time.String()
  ['2006-01-02T15:04:05-0700', 'numeric'],
  ['2006-01-02 15:04:05Z0700', 'numeric'],
  ['2006-01-02 15:04:05', 'none'],
  ['Mon Jan _2 15:04:05 2006', 'none'], // ANSIC
  ['Mon Jan _2 15:04:05 MST 2006', 'named'], // UnixDate
  ['Mon Jan 02 15:04:05 -0700 2006', 'numeric'], // RubyDate
  ['2006-01-02 15:04:05Z07:00', 'numeric'],
  ['2006-01-02', 'none'],
  ['02 Jan 2006', 'none'],
  ['2006-01-02 15:04:05 -07:00', 'numeric'],
  ['2006-01-02 15:04:05 -0700', 'numeric'],
  ['3:04PM', 'timeonly'], // Kitchen
  ['Jan _2 15:04:05', 'timeonly'], // Stamp
  ['Jan _2 15:04:05.000', 'timeonly'],
  ['Jan _2 15:04:05.000000', 'timeonly'],
  ['Jan _2 15:04:05.000000000', 'timeonly'],
];

const INT_RE = /^[+-]?\d+$/;

/** stern's parseUnixTimeNanoString: `sec[.frac]`, the fraction truncated/padded to 9 digits. */
export function parseUnixTimeNanoString(num: string, local: Location): GoTime | null {
  const parts = num.split('.');
  if (parts.length > 2) return null;
  if (!INT_RE.test(parts[0]!)) return null;
  const sec = BigInt(parts[0]!);
  if (sec > (1n << 63n) - 1n || sec < -(1n << 63n)) return null;
  let nsec = 0;
  if (parts.length === 2) {
    let frac = parts[1]!;
    frac = frac.length > 9 ? frac.slice(0, 9) : frac.padEnd(9, '0');
    if (!INT_RE.test(frac)) return null;
    nsec = Number(frac);
  }
  return GoTime.unix(Number(sec), nsec, local);
}

/** %#v of the values cast reports in its error. */
function goSharpV(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return JSON.stringify(v.text);
  return formatValue(v);
}

/** stern's toTimeE. */
export function toTimeE(a: unknown, local: Location): GoTime {
  const v = a === null ? undefined : a;
  if (typeof v === 'string' || v instanceof JsonNumber) {
    const t = parseUnixTimeNanoString(str(v), local);
    if (t) return t;
  }
  if (v instanceof GoTime) return v;
  if (typeof v === 'string') {
    for (const [layout, kind] of CAST_LAYOUTS) {
      const p = tryParseTime(layout, v);
      if (!p) continue;
      return kind === 'none' || kind === 'named' ? withWallClock(p.time, UTC) : p.time;
    }
    throw new Error(`unable to parse date: ${v}`);
  }
  if (v instanceof JsonNumber) {
    const t = v.text.replace(/\.0*$/, '');
    if (INT_RE.test(t)) return GoTime.unix(Number(t), 0, local);
  }
  if (typeof v === 'bigint') return GoTime.unix(Number(v), 0, local);
  const tn = v === undefined ? '<nil>' : typeName(v);
  throw new Error(`unable to cast ${v === undefined ? '<nil>' : goSharpV(v)} of type ${tn} to Time`);
}

function toTime(a: unknown, local: Location): GoTime {
  try {
    return toTimeE(a, local);
  } catch {
    return GoTime.zero();
  }
}

const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';

// ---- colours ----

/** Writes a colour, given as SGR parameters ('96', '31;1'), around a text: one function per colour. */
export type Painter = (params: string) => (text: string) => string;

/** fatih/color's bytes (fatih.ts), the default; `ESC[m` on both sides when there are no parameters. */
const fatihPainter: Painter = (params) => {
  if (params === '') return (text) => `\x1b[m${text}\x1b[m`;
  const w = sgrWrap(params, '');
  const cut = w.indexOf('m') + 1;
  const [open, close] = [w.slice(0, cut), w.slice(cut)];
  return (text) => open + text + close;
};

function colorWrapper(enabled: boolean, paint: Painter): (params: string, text: string) => string {
  if (!enabled) return (_, text) => text;
  const cache = new Map<string, (text: string) => string>();
  return (params, text) => {
    let p = cache.get(params);
    if (!p) cache.set(params, (p = paint(params)));
    return p(text);
  };
}

const LEVELS: Record<string, string> = {
  debug: '35',
  info: '34',
  warn: '33',
  warning: '33',
  error: '31',
  dpanic: '31',
  panic: '31',
  fatal: '36',
  critical: '36',
};

/**
 * stern's functions. `color` selects fatih/color's NoColor; `local` is the zone the run calls Local;
 * `paint` writes the colours (fatih/color's bytes unless given).
 */
export function sternFuncs(
  color: boolean,
  local: Location,
  paint: Painter = fatihPainter,
): Map<string, FuncDef> {
  const wrap = colorWrapper(color, paint);
  const m = new Map<string, FuncDef>();
  m.set(
    'json',
    def(['any'], null, ([v]) => jsonMarshal(v)),
  );
  m.set(
    'parseJSON',
    def(['string'], null, ([t]) => {
      const obj = unmarshalMap(t as string);
      return obj === null ? NIL_ANY_MAP : obj;
    }),
  );
  m.set(
    'tryParseJSON',
    def(['string'], null, ([t]) => {
      const obj = decodeMapUseNumber(t as string);
      return obj === null || obj === undefined ? NIL_ANY_MAP : obj;
    }),
  );
  const extract = (text: string, parts: unknown[]): string => {
    const obj = unmarshalMap(text);
    return parts
      .map((k) => formatValue(obj !== null && Object.hasOwn(obj, k as string) ? obj[k as string] : null))
      .join(', ');
  };
  m.set(
    'extractJSONParts',
    def(['string'], 'string', ([t, ...parts]) => extract(t as string, parts)),
  );
  m.set(
    'tryExtractJSONParts',
    def(['string'], 'string', ([t, ...parts]) => {
      try {
        return extract(t as string, parts);
      } catch {
        return t;
      }
    }),
  );
  m.set(
    'extjson',
    def(['string'], null, ([s]) => {
      const text = s as string;
      if (jsonValid(text)) return text.endsWith('\n') ? text.slice(0, -1) : text;
      return jsonMarshal(text);
    }),
  );
  m.set(
    'prettyJSON',
    def(['any'], null, ([v]) => {
      let data: unknown;
      if (typeof v === 'string') {
        try {
          data = unmarshalMap(v);
        } catch {
          return v;
        }
      } else if (isPlainMap(v) || v === NIL_ANY_MAP) data = v === NIL_ANY_MAP ? null : v;
      else return formatValue(v);
      try {
        return jsonMarshalIndent(data);
      } catch {
        return formatValue(v);
      }
    }),
  );
  m.set(
    'toRFC3339Nano',
    def(['any'], null, ([ts]) => toTime(ts, local).format(RFC3339_NANO)),
  );
  m.set(
    'toUTC',
    def(['any'], null, ([ts]) => toTime(ts, local).utc()),
  );
  m.set(
    'toTimestamp',
    def(['any', 'string'], 'string', ([ts, layout, tz]) => {
      const t = toTimeE(ts, local);
      return t.in(loadLocation((tz as string | undefined) ?? '', local)).format(layout as string);
    }),
  );
  m.set(
    'color',
    def(['color', 'string'], null, ([c, text]) => wrap((c as GoColor).params, text as string)),
  );
  m.set(
    'colorCustom',
    def(['string'], 'int', ([text, ...attrs]) =>
      wrap((attrs as bigint[]).map((a) => a.toString()).join(';'), text as string),
    ),
  );
  const named: [string, string][] = [
    ['colorBlack', '30'],
    ['colorRed', '31'],
    ['colorGreen', '32'],
    ['colorYellow', '33'],
    ['colorBlue', '34'],
    ['colorMagenta', '35'],
    ['colorCyan', '36'],
    ['colorWhite', '37'],
  ];
  for (const [name, sgr] of named) {
    m.set(
      name,
      def(['string'], 'any', ([format, ...a]) =>
        wrap(sgr, a.length === 0 ? (format as string) : sprintf(format as string, a)),
      ),
    );
  }
  m.set(
    'levelColor',
    def(['any'], null, ([v]) => {
      if (typeof v !== 'string') return '';
      const sgr = LEVELS[v.toLowerCase()];
      return sgr === undefined ? v : wrap(sgr, v);
    }),
  );
  m.set(
    'bunyanLevelColor',
    def(['any'], null, ([v]) => {
      let lv: bigint;
      if (v instanceof JsonNumber) {
        if (!INT_RE.test(v.text)) return '';
        lv = BigInt(v.text);
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return '';
        lv = BigInt(Math.trunc(v));
      } else return '';
      const sgr =
        lv < 30n ? '35' : lv < 40n ? '34' : lv < 50n ? '33' : lv < 60n ? '31' : lv < 100n ? '36' : null;
      return sgr === null ? lv.toString() : wrap(sgr, lv.toString());
    }),
  );
  return m;
}

// ---- methods ----

/**
 * Methods of time.Time and json.Number callable from templates (e.g. `.Format "15:04"`, `.Unix`), with
 * `local` as the zone of `.Local`.
 */
export function methodOf(recv: unknown, name: string, local: Location): FuncDef | undefined {
  if (recv instanceof GoTime) {
    const t = recv;
    const civil = (layout: string) => BigInt(Number(t.format(layout)));
    switch (name) {
      case 'Format':
        return def(['string'], null, ([l]) => t.format(l as string));
      case 'String':
        return def([], null, () => t.toString());
      case 'UTC':
        return def([], null, () => t.utc());
      case 'Local':
        return def([], null, () => t.in(local));
      case 'Unix':
        return def([], null, () => BigInt(t.sec));
      case 'UnixMilli':
        return def([], null, () => BigInt(t.sec) * 1000n + BigInt(Math.floor(t.nsec / 1e6)));
      case 'UnixMicro':
        return def([], null, () => BigInt(t.sec) * 1000000n + BigInt(Math.floor(t.nsec / 1e3)));
      case 'UnixNano':
        return def([], null, () => BigInt(t.sec) * 1000000000n + BigInt(t.nsec));
      case 'IsZero':
        return def([], null, () => t.isZero());
      case 'Year':
        return def([], null, () => civil('2006'));
      case 'Day':
        return def([], null, () => civil('2'));
      case 'Hour':
        return def([], null, () => civil('15'));
      case 'Minute':
        return def([], null, () => civil('4'));
      case 'Second':
        return def([], null, () => civil('5'));
      case 'Nanosecond':
        return def([], null, () => BigInt(t.nsec));
      case 'YearDay':
        return def([], null, () => civil('002'));
    }
    return undefined;
  }
  if (recv instanceof JsonNumber) {
    const n = recv;
    switch (name) {
      case 'String':
        return def([], null, () => n.text);
      case 'Int64':
        return def([], null, () => {
          if (!INT_RE.test(n.text))
            throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(n.text)}: invalid syntax`);
          return BigInt(n.text);
        });
      case 'Float64':
        return def([], null, () => {
          const f = Number(n.text);
          if (n.text === '' || Number.isNaN(f)) {
            throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(n.text)}: invalid syntax`);
          }
          return f;
        });
    }
  }
  return undefined;
}
