// The built-in outputs other than `default` (stern §3.3, §3.4): raw, json, extjson, ppextjson. Each
// function returns the whole line, trailing newline included. JSON is written as Go's encoding/json does.

import { jsonMarshal, jsonValid, quoteJSON } from '@kstern/gotemplate';
import type { EventLine } from '../core/model.ts';

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
  /** kstern's: a line of the previous instance (printed first on attach); written only when true. */
  previous?: boolean;
  /** kstern's: the kubeconfig context, with several --context; written only then. */
  context?: string;
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
    `${data.context === undefined ? '' : `,"context":${goJSONString(data.context)}`}` +
    `,"labels":${goJSON(data.labels ?? null)}` +
    `,"annotations":${goJSON(data.annotations ?? null)}` +
    `${data.previous === true ? ',"previous":true' : ''}}\n`
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
  data: Pick<LogData, 'message' | 'namespace' | 'podName' | 'containerName' | 'previous'>,
  o: ExtJSONOptions,
): string {
  const fields: string[] = [];
  if (o.namespace) fields.push(`"namespace": ${goJSONString(data.namespace)}`);
  fields.push(`"pod": ${goJSONString(data.podName)}`, `"container": ${goJSONString(data.containerName)}`);
  if (o.timestamp) fields.push(`"timestamp": ${goJSONString(o.timestamp)}`);
  if (data.previous === true) fields.push('"previous": true');
  fields.push(`"message": ${extjson(data.message)}`);
  return o.pretty ? `{\n  ${fields.join(',\n  ')}\n}\n` : `{${fields.join(', ')}}\n`;
}

/** stern's `extjson` template function: raw if json.Valid, else json.Marshal of the string. */
export function extjson(message: string): string {
  if (looksLikeJSON(message) && jsonValid(message))
    return message.endsWith('\n') ? message.slice(0, -1) : message;
  return goJSONString(message);
}

/** Cheap rejection of the common case (plain text) before a full validation. */
function looksLikeJSON(s: string): boolean {
  const first = s.trimStart()[0];
  return first !== undefined && '{["-0123456789tfn'.includes(first);
}

/** Go's json.Marshal for plain data (maps with sorted keys, HTML-safe escapes): the template engine's. */
export const goJSON = jsonMarshal;
/** A JSON string as Go writes it. */
export const goJSONString = quoteJSON;

/** An event under -o json / extjson / ppextjson: `{"event":{…},"namespace":…,"podName":…}`, one line. */
export function eventJSONLine(e: EventLine): string {
  return (
    `{"event":{"type":${goJSONString(e.type)},"reason":${goJSONString(e.reason)}` +
    `,"message":${goJSONString(e.message)},"count":${e.count},"time":${goJSONString(e.time)}}` +
    `,"namespace":${goJSONString(e.namespace)},"podName":${goJSONString(e.pod)}}\n`
  );
}
