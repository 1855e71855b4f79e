// The default output: `[<ns> ]<pod> <container> <content>\n` on stdout, `± [<ns> ]<pod> › <container>\n`
// on stderr. The per-target prefix is rendered once (names made safe for a terminal when the sanitizer is
// on); a batch of lines is copied into one Buffer (`lines`), content bytes untouched.

import type { EventLine, LogLine, Target } from '../core/model.ts';
import { colorsFor, DEFAULT_PALETTE, type Palette, sgrWrap } from './colors.ts';

export interface Formatter {
  /** The bytes to write for one log line, newline included; undefined to drop the line (filtered out). */
  line(l: LogLine): Buffer | undefined;
  /**
   * Optional fast path: the bytes of a whole batch in one Buffer (what `line` gives for each, joined);
   * undefined when this formatter (or this batch) goes line by line.
   */
  lines?(ls: readonly LogLine[]): Buffer | undefined;
  /** The `+` line printed when a tail starts, newline included. */
  attach(t: Target): string;
  /** The `-` line printed when a tail ends, newline included. */
  detach(t: Target): string;
}

export interface DefaultFormatOptions {
  color: boolean;
  /** With -A or more than one namespace. */
  showNamespace: boolean;
  palette?: Palette;
  diffContainer?: boolean;
  /** With --timestamps: renders the API timestamp, printed after the container as `<ts> `. */
  formatTimestamp?: (apiTimestamp: string) => string;
  /** Makes a namespace, pod or container name safe for a terminal (when the sanitizer is on). */
  safeName?: (name: string) => string;
}

const NEWLINE = Buffer.from('\n');
const SPACE = Buffer.from(' ');
const PLUS = '+';
const MINUS = '-';
const PLUS_COLORED = sgrWrap('92;1', PLUS);
const MINUS_COLORED = sgrWrap('91;1', MINUS);
const BANG = '!';
const BANG_COLORED = sgrWrap('93;1', BANG);

interface Rendered {
  /** `[<ns> ]<pod> <container> ` as bytes. */
  prefix: Buffer;
  /** `[<ns> ]<pod> › <container>` */
  label: string;
}

/** The default output never drops a line. */
export interface DefaultFormatter extends Formatter {
  line(l: LogLine): Buffer;
}

export function defaultFormatter(o: DefaultFormatOptions): DefaultFormatter {
  const palette = o.palette ?? DEFAULT_PALETTE;
  const diff = o.diffContainer ?? false;
  const formatTimestamp = o.formatTimestamp;
  const cache = new WeakMap<Target, Rendered>();

  function render(t: Target): Rendered {
    let r = cache.get(t);
    if (r) return r;
    const safe = o.safeName ?? ((s: string) => s);
    let ns = safe(t.namespace);
    let pod = safe(t.pod);
    let container = safe(t.container);
    if (o.color) {
      const c = colorsFor(t.pod, t.container, palette, diff);
      ns = sgrWrap(c.pod, ns);
      pod = sgrWrap(c.pod, pod);
      container = sgrWrap(c.container, container);
    }
    const head = o.showNamespace ? `${ns} ${pod}` : pod;
    r = { prefix: Buffer.from(`${head} ${container} `), label: `${head} › ${container}` };
    cache.set(t, r);
    return r;
  }

  return {
    lines(ls) {
      if (formatTimestamp) return undefined;
      return joinLines(ls, (t) => render(t).prefix);
    },
    line(l) {
      const prefix = render(l.target).prefix;
      if (formatTimestamp && l.timestamp !== '') {
        return Buffer.concat([prefix, Buffer.from(formatTimestamp(l.timestamp)), SPACE, l.content, NEWLINE]);
      }
      return Buffer.concat([prefix, l.content, NEWLINE], prefix.length + l.content.length + 1);
    },
    attach(t) {
      return `${o.color ? PLUS_COLORED : PLUS} ${render(t).label}\n`;
    },
    detach(t) {
      return `${o.color ? MINUS_COLORED : MINUS} ${render(t).label}\n`;
    },
  };
}

/**
 * A notice about a container, in the style of the attach lines: `! [<ns> ]<pod> › <container> <text>\n`,
 * the pod and container coloured as their log lines are (`!` in bold yellow).
 */
export function noticeLine(
  o: DefaultFormatOptions,
  c: { namespace: string; pod: string; container: string },
  text: string,
): string {
  const safe = o.safeName ?? ((s: string) => s);
  let ns = safe(c.namespace);
  let pod = safe(c.pod);
  let container = safe(c.container);
  if (o.color) {
    const k = colorsFor(c.pod, c.container, o.palette ?? DEFAULT_PALETTE, o.diffContainer ?? false);
    ns = sgrWrap(k.pod, ns);
    pod = sgrWrap(k.pod, pod);
    container = sgrWrap(k.container, container);
  }
  const head = o.showNamespace ? `${ns} ${pod}` : pod;
  return `${o.color ? BANG_COLORED : BANG} ${head} › ${container} ${text}\n`;
}

export type { EventLine };

/**
 * `[<ns> ]<pod> [event] <Type> <Reason>: <message>\n` in the default output (the pod coloured as its log
 * lines); `[event] <Type> <Reason>: <message>\n` with -o raw.
 */
export function eventText(o: DefaultFormatOptions, e: EventLine, raw: boolean): string {
  const body = `[event] ${e.type} ${e.reason}: ${e.message}\n`;
  if (raw) return body;
  const safe = o.safeName ?? ((s: string) => s);
  let ns = safe(e.namespace);
  let pod = safe(e.pod);
  if (o.color) {
    const k = colorsFor(e.pod, '', o.palette ?? DEFAULT_PALETTE, false);
    ns = sgrWrap(k.pod, ns);
    pod = sgrWrap(k.pod, pod);
  }
  return `${o.showNamespace ? `${ns} ${pod}` : pod} ${body}`;
}

/**
 * `<prefix(target)><content>\n` for each line, in one Buffer: sized first, then copied, so a batch costs
 * one allocation whatever its number of lines. `prefix` undefined: none.
 */
export function joinLines(ls: readonly LogLine[], prefix: ((t: Target) => Buffer) | undefined): Buffer {
  let size = 0;
  let target: Target | undefined;
  let p: Buffer | undefined;
  for (const l of ls) {
    if (prefix !== undefined && l.target !== target) {
      target = l.target;
      p = prefix(target);
    }
    size += (p === undefined ? 0 : p.length) + l.content.length + 1;
  }
  const out = Buffer.allocUnsafe(size);
  target = undefined;
  let n = 0;
  for (const l of ls) {
    if (prefix !== undefined) {
      if (l.target !== target) {
        target = l.target;
        p = prefix(target);
      }
      out.set(p as Buffer, n);
      n += (p as Buffer).length;
    }
    out.set(l.content, n);
    n += l.content.length;
    out[n++] = 0x0a;
  }
  return out;
}
