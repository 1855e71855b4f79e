// The default output: `[<ns> ]<pod> <container> <content>\n` on stdout, `± [<ns> ]<pod> › <container>\n`
// on stderr. The per-target prefix is rendered once (names made safe for a terminal when the sanitizer is
// on); a batch of lines is copied into one Buffer (`lines`), content bytes untouched.

import type { EventLine, LogLine, Target } from '../core/model.ts';
import { colorsFor, DEFAULT_PALETTE, type Palette } from './colors.ts';
import { type ColorLevel, type Paint, painter } from './paint.ts';

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
  /** The colour level chalk writes at: 0 no colour, 1 the 16 colours, 2 256, 3 truecolor. */
  level: ColorLevel;
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
/** stern's marks: `+` in bold HiGreen, `-` in bold HiRed, and kstern's `!` in bold HiYellow. */
const PLUS = '92;1';
const MINUS = '91;1';
const BANG = '93;1';

/** Paints by SGR parameters as the options say: undefined when colour is off. */
function paintOf(o: DefaultFormatOptions): ((params: string) => Paint) | undefined {
  return o.level > 0 ? painter(o.level) : undefined;
}

/** `[<ns> ]<pod>` and `<container>`, made safe and painted in the target's colours. */
function names(
  o: DefaultFormatOptions,
  paint: ((params: string) => Paint) | undefined,
  c: { namespace: string; pod: string; container: string },
  diff: boolean,
): { head: string; container: string } {
  const safe = o.safeName ?? ((s: string) => s);
  let ns = safe(c.namespace);
  let pod = safe(c.pod);
  let container = safe(c.container);
  if (paint) {
    const k = colorsFor(c.pod, c.container, o.palette ?? DEFAULT_PALETTE, diff);
    ns = paint(k.pod)(ns);
    pod = paint(k.pod)(pod);
    container = paint(k.container)(container);
  }
  return { head: o.showNamespace ? `${ns} ${pod}` : pod, container };
}

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
  const diff = o.diffContainer ?? false;
  const formatTimestamp = o.formatTimestamp;
  const cache = new WeakMap<Target, Rendered>();
  const paint = paintOf(o);
  const plus = paint ? paint(PLUS)('+') : '+';
  const minus = paint ? paint(MINUS)('-') : '-';

  function render(t: Target): Rendered {
    let r = cache.get(t);
    if (r) return r;
    const { head, container } = names(o, paint, t, diff);
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
      return `${plus} ${render(t).label}\n`;
    },
    detach(t) {
      return `${minus} ${render(t).label}\n`;
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
  const paint = paintOf(o);
  const { head, container } = names(o, paint, c, o.diffContainer ?? false);
  return `${paint ? paint(BANG)('!') : '!'} ${head} › ${container} ${text}\n`;
}

export type { EventLine };

/**
 * `[<ns> ]<pod> [event] <Type> <Reason>: <message>\n` in the default output (the pod coloured as its log
 * lines); `[event] <Type> <Reason>: <message>\n` with -o raw.
 */
export function eventText(o: DefaultFormatOptions, e: EventLine, raw: boolean): string {
  const body = `[event] ${e.type} ${e.reason}: ${e.message}\n`;
  if (raw) return body;
  const { head } = names(o, paintOf(o), { namespace: e.namespace, pod: e.pod, container: '' }, false);
  return `${head} ${body}`;
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
