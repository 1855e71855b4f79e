// The built-in outputs other than `default` (stern §3.3, §3.4): raw, json, extjson, ppextjson. Each
// function returns the whole line, trailing newline included. JSON is written as Go's encoding/json does.

/** One log line as stern's `Log` struct carries it. */
export interface LogData {
  message: string;
  /** The formatted --timestamps value; empty or absent without --timestamps. */
  timestamp?: string;
  nodeName: string;
  namespace: string;
  podName: string;
  containerName: string;
  labels?: Readonly<Record<string, string>> | null;
  annotations?: Readonly<Record<string, string>> | null;
}

/** `-o raw`: `[<timestamp> ]<message>\n`. */
export function rawLine(data: Pick<LogData, 'message' | 'timestamp'>): string {
  return data.timestamp ? `${data.timestamp} ${data.message}\n` : `${data.message}\n`;
}

/** `-o json`: the Log struct in field order; `timestamp` omitted when empty; absent maps are `null`. */
export function jsonLine(data: LogData): string {
  const ts = data.timestamp ? `,"timestamp":${goJSONString(data.timestamp)}` : '';
  return (
    `{"message":${goJSONString(data.message)}${ts}` +
    `,"nodeName":${goJSONString(data.nodeName)}` +
    `,"namespace":${goJSONString(data.namespace)}` +
    `,"podName":${goJSONString(data.podName)}` +
    `,"containerName":${goJSONString(data.containerName)}` +
    `,"labels":${goJSON(data.labels ?? null)}` +
    `,"annotations":${goJSON(data.annotations ?? null)}}\n`
  );
}

export interface ExtJSONOptions {
  /** ppextjson: one field per line, 2-space indent. */
  pretty: boolean;
  /** With -A: `"namespace"` first. */
  namespace: boolean;
  /** With --timestamps: `"timestamp"` after `"container"`. */
  timestamp?: string;
}

/**
 * `-o extjson` / `-o ppextjson`: `{"pod": "p", "container": "c", "message": <m>}` where <m> is the message
 * itself when it is valid JSON (a trailing newline trimmed), else the message as a JSON string. Unlike
 * stern, the values are never coloured (the output stays valid JSON), and a timestamp is included.
 */
export function extjsonLine(
  data: Pick<LogData, 'message' | 'namespace' | 'podName' | 'containerName'>,
  o: ExtJSONOptions,
): string {
  const fields: string[] = [];
  if (o.namespace) fields.push(`"namespace": ${goJSONString(data.namespace)}`);
  fields.push(`"pod": ${goJSONString(data.podName)}`, `"container": ${goJSONString(data.containerName)}`);
  if (o.timestamp) fields.push(`"timestamp": ${goJSONString(o.timestamp)}`);
  fields.push(`"message": ${extjson(data.message)}`);
  return o.pretty ? `{\n  ${fields.join(',\n  ')}\n}\n` : `{${fields.join(', ')}}\n`;
}

/** stern's `extjson` template function: raw if json.Valid, else json.Marshal of the string. */
export function extjson(message: string): string {
  if (isValidJSON(message)) return message.endsWith('\n') ? message.slice(0, -1) : message;
  return goJSONString(message);
}

function isValidJSON(s: string): boolean {
  // Cheap rejection of the common case (plain text) before a full parse.
  const first = s.trimStart()[0];
  if (first === undefined || !'{["-0123456789tfn'.includes(first)) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Go's json.Marshal for plain data: objects as maps (keys sorted by code point, i.e. UTF-8 byte order),
 * arrays, strings, finite numbers, booleans, null (also for undefined). Compact.
 */
export function goJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return goJSONString(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
      return String(v); // JS and Go agree: exponent form below 1e-6 and from 1e21, shortest digits
    case 'object': {
      if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort(compareCodePoints);
      return `{${keys.map((k) => `${goJSONString(k)}:${goJSON(o[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`json: unsupported type: ${typeof v}`);
  }
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** What Go escapes: controls, `"`, `\`, `<`, `>`, `&`, U+2028, U+2029, and surrogates (checked one by one). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;
const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A JSON string as Go writes it (HTML-safe escapes, lone surrogates → `\ufffd`). */
export function goJSONString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i++; // a valid pair is written as is
        continue;
      }
      esc = '\\ufffd';
    } else if (
      c < 0x20 ||
      c === 0x22 ||
      c === 0x5c ||
      c === 0x3c ||
      c === 0x3e ||
      c === 0x26 ||
      c === 0x2028 ||
      c === 0x2029
    ) {
      esc = SHORT[s[i]!] ?? `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      continue;
    }
    out += s.slice(from, i) + esc;
    from = i + 1;
  }
  return `${out}${s.slice(from)}"`;
}
