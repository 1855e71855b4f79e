// The Go value model of the template engine. JS values stand for Go values as follows:
//   undefined → an invalid reflect.Value ("no value": a missing map key, an unset variable's result)
//   null      → a nil interface{} (a JSON null inside a map[string]interface{} or []interface{})
//   string → string, boolean → bool, number → float64, bigint → int
//   JsonNumber → json.Number, GoTime → time.Time, GoColor → *color.Color
//   Array → []interface{}, plain object (null or Object prototype) → map[string]interface{}
//   TypedMap → a map whose element type is not interface{} (map[string]string) or a nil map
//   LogStruct → stern's Log struct (fields by Go name)

import { GoTime } from './gotime.ts';

/** encoding/json's Number: a string type holding the literal text. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A fatih/color *color.Color: the SGR parameters, e.g. '96' or '31;1'. */
export class GoColor {
  constructor(readonly params: string) {}
}

/** A Go map with a non-interface element type, or a nil map. `m === null` is a nil map. */
export class TypedMap {
  constructor(
    readonly m: Readonly<Record<string, unknown>> | null,
    readonly typeName: string,
    /** The zero value of the element type ('' for map[string]string, null for interface{}). */
    readonly elemZero: unknown,
  ) {}
}

export const NIL_ANY_MAP = new TypedMap(null, 'map[string]interface {}', null);

export type Color = { params: string };

/** stern's Log, with the Go field names. */
export interface LogData {
  Message: string;
  Timestamp: string;
  NodeName: string;
  Namespace: string;
  PodName: string;
  ContainerName: string;
  Labels: Record<string, string> | null;
  Annotations: Record<string, string> | null;
  PodColor: Color;
  ContainerColor: Color;
  /**
   * kstern's: the line is from the container's previous instance (printed first on attach). Not one of
   * stern's fields, so `{{.}}` and `{{json .}}` print stern's struct unchanged.
   */
  Previous?: boolean;
  /** kstern's: the kubeconfig context of the line, with several --context. Not one of stern's fields. */
  Context?: string;
}

/** The Log struct as the engine sees it. Fields are resolved by `structField`. */
export class LogStruct {
  constructor(readonly d: LogData) {}
}

export const LOG_FIELDS = [
  'Message',
  'Timestamp',
  'NodeName',
  'Namespace',
  'PodName',
  'ContainerName',
  'Labels',
  'Annotations',
  'PodColor',
  'ContainerColor',
] as const;

/** A field of the Log struct as a Go value, or `NO_FIELD`. */
export function structField(s: LogStruct, name: string): unknown {
  const d = s.d;
  switch (name) {
    case 'Message':
      return d.Message;
    case 'Timestamp':
      return d.Timestamp ?? '';
    case 'NodeName':
      return d.NodeName;
    case 'Namespace':
      return d.Namespace;
    case 'PodName':
      return d.PodName;
    case 'ContainerName':
      return d.ContainerName;
    case 'Labels':
      return new TypedMap(d.Labels ?? null, 'map[string]string', '');
    case 'Annotations':
      return new TypedMap(d.Annotations ?? null, 'map[string]string', '');
    case 'PodColor':
      return new GoColor(d.PodColor.params);
    case 'ContainerColor':
      return new GoColor(d.ContainerColor.params);
    case 'Previous':
      return d.Previous === true;
    case 'Context':
      return d.Context ?? '';
  }
  return NO_FIELD;
}

export const NO_FIELD: unique symbol = Symbol('no field');

/** Whether `v` is a plain JS object standing for a map[string]interface{}. */
export function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === null || p === Object.prototype;
}

/** Whether a plain object has the shape of stern's Log (so it is executed as the struct). */
export function isLogData(v: unknown): v is LogData {
  return isPlainMap(v) && typeof v['Message'] === 'string' && 'PodColor' in v && 'ContainerColor' in v;
}

export function isTime(v: unknown): v is GoTime {
  return v instanceof GoTime;
}

/** Go's type name of a value, as %T and error messages print it. */
export function typeName(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return '<nil>';
  }
  if (v === null) return 'interface {}';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof JsonNumber) return 'json.Number';
  if (v instanceof TypedMap) return v.typeName;
  if (v instanceof GoColor) return '*color.Color';
  if (v instanceof LogStruct) return 'stern.Log';
  if (isTime(v)) return 'time.Time';
  return 'map[string]interface {}';
}

/** Go's isTrue. Returns undefined when the value has no truth (never for our value set). */
export function isTrue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'undefined':
      return false;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof JsonNumber) return v.text.length > 0;
  if (v instanceof TypedMap) return v.m !== null && Object.keys(v.m).length > 0;
  if (v instanceof GoColor || v instanceof LogStruct || isTime(v)) return true;
  if (isPlainMap(v)) {
    for (const _ in v) return true;
    return false;
  }
  return true;
}

/** Sorted keys of a map value, as fmt and range order them (strings by byte order). */
export function sortedKeys(m: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(m).sort(compareStrings);
}

/** Go string comparison: by UTF-8 bytes, i.e. by code points. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF, which sort after U+E000–FFFF in UTF-8.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
