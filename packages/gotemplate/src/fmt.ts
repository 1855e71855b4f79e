// Go's fmt for the values templates produce: Sprint/Sprintln/Sprintf with %v formatting of maps, slices,
// float64 (strconv 'g' shortest, exponent from 1e21… and 1e+06), ints, json.Number, time.Time, nil.

import { GoTime } from './gotime.ts';
import {
  GoColor,
  isPlainMap,
  JsonNumber,
  LOG_FIELDS,
  LogStruct,
  sortedKeys,
  structField,
  TypedMap,
  typeName,
} from './values.ts';

// ---- floats (strconv.FormatFloat) ----

interface Digits {
  d: string; // significant digits, no leading zeros ('' for zero)
  dp: number; // decimal point position
}

function expDigits(s: string): Digits {
  // s is x.toExponential(...) of a positive finite number: "d.ddde±n"
  const e = s.indexOf('e');
  const d = s.slice(0, e).replace('.', '');
  return { d, dp: Number(s.slice(e + 1)) + 1 };
}

function trimZeros(g: Digits): Digits {
  let d = g.d;
  let n = d.length;
  while (n > 0 && d.charCodeAt(n - 1) === 48) n--;
  d = d.slice(0, n);
  return { d, dp: g.dp };
}

function fmtE(g: Digits, prec: number, e: string): string {
  let b = g.d.length === 0 ? '0' : g.d[0]!;
  if (prec > 0) {
    b += '.';
    let i = 1;
    const m = Math.min(g.d.length, prec + 1);
    if (i < m) {
      b += g.d.slice(i, m);
      i = m;
    }
    if (i <= prec) b += '0'.repeat(prec - i + 1);
  }
  let exp = g.d.length === 0 ? 0 : g.dp - 1;
  let sign = '+';
  if (exp < 0) {
    sign = '-';
    exp = -exp;
  }
  return b + e + sign + (exp < 10 ? '0' : '') + exp;
}

function fmtF(g: Digits, prec: number): string {
  let b = '';
  if (g.dp > 0) {
    const m = Math.min(g.d.length, g.dp);
    b += g.d.slice(0, m);
    if (m < g.dp) b += '0'.repeat(g.dp - m);
  } else b = '0';
  if (prec > 0) {
    // Fraction digit i (1-based) is g.d[g.dp + i - 1]: zeros before the digits (dp < 0), the digits
    // that fall within prec, zeros after them. Built by slices: prec may be up to ~1e7.
    const lead = Math.min(Math.max(-g.dp, 0), prec);
    const from = Math.max(g.dp, 0);
    const digits = g.d.slice(from, Math.max(from, Math.min(g.d.length, g.dp + prec)));
    b += `.${'0'.repeat(lead)}${digits}${'0'.repeat(prec - lead - digits.length)}`;
  }
  return b;
}

const F64 = new DataView(new ArrayBuffer(8));

/** The exact decimal expansion of a positive finite double (trailing zeros trimmed). */
function exactDigits(a: number): Digits {
  F64.setFloat64(0, a);
  const hi = F64.getUint32(0);
  const lo = F64.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  let d: string;
  let dp: number;
  if (e >= 0) {
    d = (mant << BigInt(e)).toString();
    dp = d.length;
  } else {
    d = (mant * 5n ** BigInt(-e)).toString(); // mant / 2^-e = mant * 5^-e / 10^-e
    dp = d.length + e;
  }
  return trimZeros({ d, dp });
}

/** strconv's decimal.Round(nd): round half to even on the exact digits. */
function roundDigits(g: Digits, nd: number): Digits {
  if (nd < 0 || nd >= g.d.length) return g;
  const c = g.d.charCodeAt(nd);
  let up: boolean;
  if (c === 53 && nd + 1 === g.d.length) up = nd > 0 && (g.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 53;
  if (!up) return trimZeros({ d: g.d.slice(0, nd), dp: g.dp });
  for (let i = nd - 1; i >= 0; i--) {
    const k = g.d.charCodeAt(i);
    if (k < 57) return { d: g.d.slice(0, i) + String.fromCharCode(k + 1), dp: g.dp };
  }
  return { d: '1', dp: g.dp + 1 };
}

/** strconv.FormatFloat(x, fmt, prec, 64) for fmt in e, E, f, g, G; prec -1 = shortest. */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const sign = neg ? '-' : '';
  const shortest = prec < 0;
  let g: Digits;
  if (a === 0) g = { d: '', dp: 0 };
  else if (shortest) g = expDigits(a.toExponential());
  else {
    g = exactDigits(a);
    if (fmt === 'e' || fmt === 'E') g = roundDigits(g, prec + 1);
    else if (fmt === 'f') g = roundDigits(g, g.dp + prec);
    else g = roundDigits(g, prec === 0 ? 1 : prec);
  }
  if (shortest) {
    if (fmt === 'e' || fmt === 'E') prec = Math.max(g.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(g.d.length - g.dp, 0);
    else prec = g.d.length;
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return sign + fmtE(g, prec, fmt);
    case 'f':
      return sign + fmtF(g, prec);
    default: {
      if (prec === 0) prec = 1;
      let eprec = prec;
      if (eprec > g.d.length && g.d.length >= g.dp) eprec = g.d.length;
      if (shortest) eprec = 6;
      const exp = g.dp - 1;
      if (a !== 0 && (exp < -4 || exp >= eprec)) {
        if (prec > g.d.length) prec = g.d.length;
        return sign + fmtE(g, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > g.dp) prec = g.d.length;
      return sign + fmtF(g, Math.max(prec - g.dp, 0));
    }
  }
}

// ---- strconv.Quote ----

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

export function quoteGo(s: string, ascii = false): string {
  let b = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      b += '\\' + ch;
      continue;
    }
    if (r >= 0x20 && r < 0x7f) {
      b += ch;
      continue;
    }
    if (r >= 0xd800 && r <= 0xdfff) {
      b += '\\ufffd'; // a lone surrogate stands for invalid UTF-8
      continue;
    }
    if (r >= 0x80 && !ascii && PRINTABLE.test(ch)) {
      b += ch;
      continue;
    }
    switch (r) {
      case 7:
        b += '\\a';
        break;
      case 8:
        b += '\\b';
        break;
      case 12:
        b += '\\f';
        break;
      case 10:
        b += '\\n';
        break;
      case 13:
        b += '\\r';
        break;
      case 9:
        b += '\\t';
        break;
      case 11:
        b += '\\v';
        break;
      default:
        if (r < 0x20 || r === 0x7f) b += '\\x' + r.toString(16).padStart(2, '0');
        else if (r < 0x10000) b += '\\u' + r.toString(16).padStart(4, '0');
        else b += '\\U' + r.toString(16).padStart(8, '0');
    }
  }
  return b + '"';
}

// ---- %v ----

/** fmt's %v of a value (undefined and null print as <nil>). */
export function formatValue(v: unknown, depth = 0): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatFloat(v, 'g', -1);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return '<nil>';
  }
  if (v === null) return '<nil>';
  if (Array.isArray(v)) {
    let b = '[';
    for (let i = 0; i < v.length; i++) b += (i > 0 ? ' ' : '') + formatValue(v[i], depth + 1);
    return b + ']';
  }
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof GoTime) return v.toString();
  if (v instanceof GoColor) return `${depth > 0 ? '&' : ''}{[${v.params.split(';').join(' ')}] <nil>}`;
  if (v instanceof TypedMap) return v.m === null ? 'map[]' : formatMap(v.m, depth);
  if (v instanceof LogStruct) {
    return `{${LOG_FIELDS.map((f) => formatValue(structField(v, f), depth + 1)).join(' ')}}`;
  }
  if (isPlainMap(v)) return formatMap(v, depth);
  return String(v);
}

function formatMap(m: Readonly<Record<string, unknown>>, depth: number): string {
  let b = 'map[';
  let first = true;
  for (const k of sortedKeys(m)) {
    b += (first ? '' : ' ') + k + ':' + formatValue(m[k], depth + 1);
    first = false;
  }
  return b + ']';
}

function isStringKind(v: unknown): boolean {
  return typeof v === 'string' || v instanceof JsonNumber;
}

/** fmt.Sprint: a space between operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let b = '';
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const isStr = a !== null && a !== undefined && isStringKind(a);
    if (i > 0 && !isStr && !prevString) b += ' ';
    b += formatValue(a);
    prevString = isStr;
  }
  return b;
}

/** fmt.Sprintln. */
export function sprintln(args: readonly unknown[]): string {
  return args.map((a) => formatValue(a)).join(' ') + '\n';
}

// ---- Sprintf ----

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number; // -1 = none
  prec: number; // -1 = none
}

function runeLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

function padStr(s: string, f: Flags, zeroOK = false): string {
  if (f.width < 0) return s;
  const n = runeLen(s);
  if (n >= f.width) return s;
  const fill = f.width - n;
  if (f.minus) return s + ' '.repeat(fill);
  if (f.zero && zeroOK) {
    const signed = s[0] === '-' || s[0] === '+' || s[0] === ' ';
    return signed ? s[0] + '0'.repeat(fill) + s.slice(1) : '0'.repeat(fill) + s;
  }
  return ' '.repeat(fill) + s;
}

function truncRunes(s: string, n: number): string {
  if (n < 0) return s;
  let out = '';
  let k = 0;
  for (const ch of s) {
    if (k++ >= n) break;
    out += ch;
  }
  return out;
}

function badVerb(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function fmtInt(n: bigint, verb: string, f: Flags): string {
  let neg = n < 0n;
  let a = neg ? -n : n;
  let s: string;
  switch (verb) {
    case 'd':
    case 'v':
      s = a.toString();
      break;
    case 'x':
      s = a.toString(16);
      if (f.sharp) s = '0x' + s;
      break;
    case 'X':
      s = a.toString(16).toUpperCase();
      if (f.sharp) s = '0X' + s;
      break;
    case 'o':
      s = a.toString(8);
      if (f.sharp && s !== '0') s = '0' + s;
      break;
    case 'O':
      s = '0o' + a.toString(8);
      break;
    case 'b':
      s = a.toString(2);
      break;
    case 'c':
      return padStr(String.fromCodePoint(Number(n)), f);
    case 'q':
      return padStr(`'${String.fromCodePoint(Number(n))}'`, f);
    case 'U':
      s = 'U+' + a.toString(16).toUpperCase().padStart(4, '0');
      neg = false;
      a = 0n;
      return padStr(s, f);
    default:
      return badVerb(verb, n);
  }
  if (f.prec >= 0) {
    const digitsStart = s.startsWith('0x') || s.startsWith('0X') || s.startsWith('0o') ? 2 : 0;
    const body = s.slice(digitsStart);
    if (f.prec === 0 && a === 0n) s = s.slice(0, digitsStart);
    else if (body.length < f.prec) s = s.slice(0, digitsStart) + '0'.repeat(f.prec - body.length) + body;
  }
  s = (neg ? '-' : f.plus ? '+' : f.space ? ' ' : '') + s;
  return padStr(s, f, f.prec < 0);
}

function fmtFloatVerb(x: number, verb: string, f: Flags): string {
  let s: string;
  switch (verb) {
    case 'v':
      s = formatFloat(x, 'g', f.prec);
      break;
    case 'g':
    case 'G':
      s = formatFloat(x, verb, f.prec);
      break;
    case 'e':
    case 'E':
      s = formatFloat(x, verb, f.prec < 0 ? 6 : f.prec);
      break;
    case 'f':
    case 'F':
      s = formatFloat(x, 'f', f.prec < 0 ? 6 : f.prec);
      break;
    default:
      return badVerb(verb, x);
  }
  if (s[0] !== '-' && s[0] !== '+') {
    if (f.plus) s = '+' + s;
    else if (f.space) s = ' ' + s;
  } else if (s === '+Inf' && !f.plus) s = f.space ? ' Inf' : '+Inf';
  return padStr(s, f, Number.isFinite(x));
}

function fmtString(s: string, verb: string, f: Flags, v: unknown): string {
  switch (verb) {
    case 'v':
    case 's':
      return padStr(truncRunes(s, f.prec), f);
    case 'q':
      if (f.sharp && !/[`\u0000-\u0008\u000a-\u001f\u007f]/.test(s)) return padStr('`' + s + '`', f);
      return padStr(quoteGo(truncRunes(s, f.prec), f.plus), f);
    case 'x':
    case 'X': {
      let h = Buffer.from(truncRunes(s, f.prec), 'utf8').toString('hex');
      if (verb === 'X') h = h.toUpperCase();
      return padStr(h, f);
    }
    default:
      return badVerb(verb, v);
  }
}

function formatArg(v: unknown, verb: string, f: Flags): string {
  if (verb === 'T') return padStr(v === null || v === undefined ? '<nil>' : typeName(v), f);
  if (v === null || v === undefined) {
    return verb === 'v' ? padStr('<nil>', f) : badVerb(verb, v);
  }
  switch (typeof v) {
    case 'string':
      return fmtString(v, verb, f, v);
    case 'bigint':
      return fmtInt(v, verb, f);
    case 'number':
      return fmtFloatVerb(v, verb, f);
    case 'boolean':
      return verb === 'v' || verb === 't' ? padStr(v ? 'true' : 'false', f) : badVerb(verb, v);
  }
  if (v instanceof JsonNumber) return fmtString(v.text, verb, f, v);
  if (v instanceof GoTime) {
    return verb === 'v' || verb === 's' || verb === 'q' || verb === 'x' || verb === 'X'
      ? fmtString(v.toString(), verb, f, v)
      : badVerb(verb, v);
  }
  if (Array.isArray(v)) {
    return padStr(`[${v.map((e) => formatArg(e, verb, { ...f, width: -1 })).join(' ')}]`, f);
  }
  const m = v instanceof TypedMap ? v.m : isPlainMap(v) ? v : undefined;
  if (m !== undefined) {
    if (m === null) return padStr('map[]', f);
    const inner = { ...f, width: -1 };
    const parts = sortedKeys(m).map((k) => `${formatArg(k, verb, inner)}:${formatArg(m[k], verb, inner)}`);
    return padStr(`map[${parts.join(' ')}]`, f);
  }
  return verb === 'v' || verb === 's' ? padStr(formatValue(v), f) : badVerb(verb, v);
}

/** Go fmt's tooLarge: widths and precisions are bounded by 1e6 in magnitude. */
function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

/**
 * Go fmt's parsenum: the decimal number at `start` (undefined if there is no digit). Like Go, a value
 * over 1e6 before the next digit is an overflow: no number, and `next` is the end of the format (so the
 * caller reports %!(NOVERB)). A number may still end up to 10000009 (eight digits after 1000000).
 */
function parsenum(format: string, start: number): { num: number | undefined; next: number } {
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < format.length && format[i]! >= '0' && format[i]! <= '9'; i++) {
    if (tooLarge(num)) return { num: undefined, next: format.length };
    num = num * 10 + (format.charCodeAt(i) - 48);
    isnum = true;
  }
  return { num: isnum ? num : undefined, next: i };
}

/** Go fmt's intFromArg: an int argument of magnitude at most 1e6, else undefined (BADWIDTH/BADPREC). */
function intFromArg(a: unknown): number | undefined {
  if (typeof a !== 'bigint' || a > 1_000_000n || a < -1_000_000n) return undefined;
  return Number(a);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let b = '';
  let argi = 0;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      b += format.slice(i);
      break;
    }
    b += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = {
      plus: false,
      minus: false,
      sharp: false,
      space: false,
      zero: false,
      width: -1,
      prec: -1,
    };
    flags: for (; i < n; i++) {
      switch (format[i]) {
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case '#':
          f.sharp = true;
          break;
        case ' ':
          f.space = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        default:
          break flags;
      }
    }
    if (format[i] === '*') {
      i++;
      const a = intFromArg(args[argi++]);
      if (a !== undefined) {
        f.width = a;
        if (f.width < 0) {
          f.minus = true;
          f.zero = false;
          f.width = -f.width;
        }
      } else b += '%!(BADWIDTH)';
    } else {
      const w = parsenum(format, i);
      i = w.next;
      if (w.num !== undefined) f.width = w.num;
    }
    if (i + 1 < n && format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const a = intFromArg(args[argi++]);
        if (a !== undefined && a >= 0) f.prec = a;
        else b += '%!(BADPREC)';
      } else {
        const p = parsenum(format, i);
        i = p.next;
        f.prec = p.num ?? 0;
      }
    }
    if (i >= n) {
      b += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      b += '%';
      continue;
    }
    if (argi >= args.length) {
      b += `%!${verb}(MISSING)`;
      continue;
    }
    b += formatArg(args[argi++], verb, f);
  }
  if (argi < args.length) {
    const extra = args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a)}`));
    b += `%!(EXTRA ${extra.join(', ')})`;
  }
  return b;
}
