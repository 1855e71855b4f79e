// encoding/json as stern's template functions and `-o json` use it: Marshal (sorted map keys, HTML-safe
// escapes, Go float formatting), MarshalIndent, Valid, Unmarshal into map[string]interface{} (numbers as
// float64 or, with UseNumber, json.Number) with Go's error messages.

import { GoTime } from './gotime.ts';
import {
  GoColor,
  isLogData,
  isPlainMap,
  JsonNumber,
  type LogData,
  LogStruct,
  sortedKeys,
  TypedMap,
} from './values.ts';

export class JsonError extends Error {}

// ---- encoding ----

const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;
const HEX = '0123456789abcdef';

/** A Go JSON string literal (json.Marshal with HTML escaping). */
export function quoteJSON(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let b = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          esc = '\\"';
          break;
        case 0x5c:
          esc = '\\\\';
          break;
        case 0x08:
          esc = '\\b';
          break;
        case 0x0c:
          esc = '\\f';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = c === 0x2028 ? '\\u2028' : '\\u2029';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd'; // invalid UTF-8 (a lone surrogate) becomes U+FFFD
    }
    if (esc !== null) {
      b += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return b + s.slice(start) + '"';
}

/** Go's float64 JSON encoding: 'f' format in [1e-6, 1e21), else 'e' with a short exponent. */
export function formatJSONFloat(x: number): string {
  if (!Number.isFinite(x))
    throw new JsonError(`json: unsupported value: ${Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf'}`);
  if (Object.is(x, -0)) return '-0';
  return String(x); // JS's Number#toString switches to exponents at the same thresholds
}

const NUMBER_RE = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function encode(v: unknown, indent: string | null, depth: number): string {
  switch (typeof v) {
    case 'string':
      return quoteJSON(v);
    case 'number':
      return formatJSONFloat(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return wrap(
      '[',
      v.map((e) => encode(e, indent, depth + 1)),
      ']',
      indent,
      depth,
    );
  }
  if (v instanceof JsonNumber) {
    const t = v.text === '' ? '0' : v.text;
    if (!NUMBER_RE.test(t)) throw new JsonError(`json: invalid number literal ${quoteJSON(v.text)}`);
    return t;
  }
  if (v instanceof GoTime) return quoteJSON(v.format('2006-01-02T15:04:05.999999999Z07:00'));
  if (v instanceof GoColor) return '{}';
  if (v instanceof TypedMap) return v.m === null ? 'null' : encodeMap(v.m, indent, depth);
  if (v instanceof LogStruct) return encodeLog(v.d, indent, depth);
  if (isLogData(v)) return encodeLog(v, indent, depth);
  if (isPlainMap(v)) return encodeMap(v, indent, depth);
  throw new JsonError(`json: unsupported type: ${Object.prototype.toString.call(v)}`);
}

function wrap(open: string, items: string[], close: string, indent: string | null, depth: number): string {
  if (indent === null) return open + items.join(',') + close;
  const inner = '\n' + indent.repeat(depth + 1);
  return open + inner + items.join(',' + inner) + '\n' + indent.repeat(depth) + close;
}

function encodeMap(m: Readonly<Record<string, unknown>>, indent: string | null, depth: number): string {
  const keys = sortedKeys(m);
  if (keys.length === 0) return '{}';
  const sep = indent === null ? ':' : ': ';
  return wrap(
    '{',
    keys.map((k) => quoteJSON(k) + sep + encode(m[k], indent, depth + 1)),
    '}',
    indent,
    depth,
  );
}

function encodeLog(d: LogData, indent: string | null, depth: number): string {
  const sep = indent === null ? ':' : ': ';
  const f: [string, unknown][] = [['message', d.Message]];
  if (d.Timestamp) f.push(['timestamp', d.Timestamp]);
  f.push(
    ['nodeName', d.NodeName],
    ['namespace', d.Namespace],
    ['podName', d.PodName],
    ['containerName', d.ContainerName],
    ['labels', d.Labels ?? null],
    ['annotations', d.Annotations ?? null],
  );
  return wrap(
    '{',
    f.map(([k, v]) => `"${k}"${sep}${encode(v, indent, depth + 1)}`),
    '}',
    indent,
    depth,
  );
}

/** json.Marshal. Throws JsonError for NaN/Inf and invalid json.Number literals. */
export function jsonMarshal(v: unknown): string {
  return encode(v, null, 0);
}

/** json.MarshalIndent(v, "", indent). */
export function jsonMarshalIndent(v: unknown, indent = '  '): string {
  return encode(v, indent, 0);
}

/** stern's Log as `-o json` writes it: the struct's key order, `timestamp` omitted when empty. */
export function logToJSON(d: LogData): string {
  return encodeLog(d, null, 0);
}

// ---- decoding ----

/** Go's quoteChar for scanner errors. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  const inner = q.slice(1, -1).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
  return `'${inner}'`;
}

class Parser {
  i = 0;
  constructor(
    readonly s: string,
    readonly useNumber: boolean,
  ) {}

  fail(ctx: string): never {
    if (this.i >= this.s.length) throw new JsonError('unexpected end of JSON input');
    const cp = this.s.codePointAt(this.i)!;
    throw new JsonError(`invalid character ${quoteChar(String.fromCodePoint(cp))} ${ctx}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    return this.fail('looking for beginning of value');
  }

  literal(word: string, v: unknown): unknown {
    for (let k = 1; k < word.length; k++) {
      this.i++;
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting '${word[k]}')`);
    }
    this.i++;
    return v;
  }

  number(): unknown {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '-') {
      this.i++;
      const c = s[this.i];
      if (c === undefined || c < '0' || c > '9') this.fail('in numeric literal');
    }
    if (s[this.i] === '0') this.i++;
    else while (isDigit(s, this.i)) this.i++;
    if (s[this.i] === '.') {
      this.i++;
      if (!isDigit(s, this.i)) this.fail('after decimal point in numeric literal');
      while (isDigit(s, this.i)) this.i++;
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      if (!isDigit(s, this.i)) this.fail('in exponent of numeric literal');
      while (isDigit(s, this.i)) this.i++;
    }
    const text = s.slice(start, this.i);
    if (this.useNumber) return new JsonNumber(text);
    const n = Number(text);
    if (!Number.isFinite(n)) {
      throw new JsonError(`json: cannot unmarshal number ${text} into Go value of type float64`);
    }
    return n;
  }

  string(): string {
    const s = this.s;
    let i = ++this.i;
    let out = '';
    let start = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.i = i;
        this.fail('in string literal');
      }
      if (c === 0x22) {
        out += s.slice(start, i);
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) {
        this.i = i;
        this.fail('in string literal');
      }
      if (c === 0x5c) {
        out += s.slice(start, i);
        i++;
        const e = s[i];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const u = this.hex4(i + 1);
            i += 4;
            if (u >= 0xd800 && u <= 0xdbff && s[i + 1] === '\\' && s[i + 2] === 'u') {
              const lo = this.hex4(i + 3);
              if (lo >= 0xdc00 && lo <= 0xdfff) {
                out += String.fromCharCode(u, lo);
                i += 6;
                break;
              }
            }
            out += u >= 0xd800 && u <= 0xdfff ? '\ufffd' : String.fromCharCode(u);
            break;
          }
          default:
            this.i = i;
            this.fail('in string escape code');
        }
        start = i + 1;
      }
      i++;
    }
  }

  hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const h = Number.parseInt(this.s[at + k] ?? 'x', 16);
      if (Number.isNaN(h)) {
        this.i = at + k;
        this.fail('in \\u hexadecimal character escape');
      }
      v = v * 16 + h;
    }
    return v;
  }

  object(): Record<string, unknown> {
    const obj: Record<string, unknown> = Object.create(null);
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      obj[k] = this.value();
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return obj;
      }
      this.fail('after object key:value pair');
    }
  }

  array(): unknown[] {
    const arr: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return arr;
      }
      this.fail('after array element');
    }
  }
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && !(v instanceof JsonNumber)) return 'object';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'number';
}

const MAP_TYPE = 'map[string]interface {}';

/**
 * json.Unmarshal(text, &map[string]interface{}): the whole input must be one JSON value (syntax errors
 * first, as Go checks validity before decoding), and an object. `null` gives a nil map.
 */
export function unmarshalMap(text: string): Record<string, unknown> | null {
  const p = new Parser(text, false);
  const v = p.value();
  p.ws();
  if (p.i < text.length) p.fail('after top-level value');
  const k = kindOf(v);
  if (k === 'null') return null;
  if (k !== 'object') throw new JsonError(`json: cannot unmarshal ${k} into Go value of type ${MAP_TYPE}`);
  return v as Record<string, unknown>;
}

/**
 * A json.Decoder with UseNumber decoding one value into a map: trailing input after the first value is
 * not read. Returns undefined on any error (empty input, syntax, not an object).
 */
export function decodeMapUseNumber(text: string): Record<string, unknown> | null | undefined {
  // Fast path for the common non-JSON log line: only an object or null can decode into a map.
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== 'n') return undefined;
  const p = new Parser(text, true);
  try {
    const v = p.value();
    const k = kindOf(v);
    if (k === 'null') return null;
    return k === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch (e) {
    if (e instanceof JsonError) return undefined;
    throw e;
  }
}

/** json.Valid. */
export function jsonValid(text: string): boolean {
  const p = new Parser(text, true);
  try {
    p.value();
    p.ws();
    return p.i === text.length;
  } catch (e) {
    if (e instanceof JsonError) return false;
    throw e;
  }
}
