// Builds the Formatter for a run from the output flags: the byte-exact default fast path, stern's other
// built-in outputs, or a user's Go template; then line filters (-i/-e) before and highlight (-H) after.

import { compileTemplate, type LogData } from '@kstern/gotemplate';
import type { Config } from '../config/config.ts';
import type { LogLine } from '../core/model.ts';
import { errorMessage } from '../util/errors.ts';
import type { Report } from '../util/messages.ts';
import { buildPalette, colorsFor, paletteSgr } from './colors.ts';
import { compileHighlighter, compileLineFilter } from './filters.ts';
import { defaultFormatter, type Formatter, joinLines } from './format.ts';
import { extjsonLine, jsonLine, rawLine } from './json-formats.ts';
import { sanitizeJSON, sanitizeText } from './sanitize.ts';
import { timestampFormatter } from './timefmt.ts';

export interface FormatterOptions {
  cfg: Pick<
    Config,
    | 'output'
    | 'timestamps'
    | 'timezone'
    | 'include'
    | 'exclude'
    | 'highlight'
    | 'podColors'
    | 'containerColors'
    | 'diffContainer'
    | 'templateNoNewline'
    | 'allNamespaces'
  >;
  /** The --template / --template-file text. */
  template: string | undefined;
  color: boolean;
  showNamespace: boolean;
  /**
   * The zone `--timezone Local` means; a function is called only when a timestamp or a template needs it
   * (asking the system's zone through Intl costs a noticeable part of start-up).
   */
  localZone: string | (() => string);
  /** Lines read with --stdin: no pod or container to show. */
  stdin?: boolean;
  /** A message for stderr (template expansion failures, errors: the line is dropped). */
  report: Report;
  /** Called for each line the template failed on (the line is dropped; the run's exit code says so). */
  onLineFailed?: () => void;
  /**
   * The sanitizer is on (stdout is a terminal, or --sanitize): what comes from the cluster besides the
   * message (sanitised by the tailer) is made safe too. Names in the default prefix are escaped; a
   * template's whole output is sanitised (its fields, and whatever it decodes from the message, e.g.
   * with parseJSON), kstern's colours passing; JSON outputs get DEL, C1 and bidi controls as \u escapes.
   */
  sanitize?: boolean;
  /**
   * With several --context: the line's context, printed before the pod in the default output and the
   * +/- lines, as "context" in -o json and as .Context in templates.
   */
  context?: string;
}

const MISSING = '[missing timestamp]';

/** Compiles the template first, so that a bad one is a usage error before anything connects. */
export function makeFormatter(o: FormatterOptions): Formatter {
  const f = build(o);
  if (o.context === undefined) return f;
  const ctx = o.sanitize ? sanitizeText(o.context, false) : o.context;
  const prefix = Buffer.from(`${ctx} `);
  const plain = o.template === undefined && o.cfg.output === 'default';
  const mark = (s: string) => (/^[+-] /.test(s) ? `${s.slice(0, 2)}${ctx} ${s.slice(2)}` : s);
  return {
    line(l) {
      const b = f.line(l);
      return plain && b !== undefined ? Buffer.concat([prefix, b]) : b;
    },
    attach: (t) => mark(f.attach(t)),
    detach: (t) => mark(f.detach(t)),
  };
}

function build(o: FormatterOptions): Formatter {
  const { cfg } = o;
  const palette = buildPalette(cfg.podColors, cfg.containerColors);
  const localZone = () => (typeof o.localZone === 'string' ? o.localZone : o.localZone());
  const formatTs = cfg.timestamps ? timestampFormatter(cfg.timestamps, cfg.timezone, localZone()) : undefined;
  const base = defaultFormatter({
    color: o.color,
    showNamespace: o.showNamespace,
    palette,
    diffContainer: cfg.diffContainer,
    ...(formatTs
      ? { formatTimestamp: (ts: string) => (ts === MISSING ? MISSING : (formatTs(ts) ?? MISSING)) }
      : {}),
    ...(o.sanitize ? { safeName: (name: string) => sanitizeText(name, false) } : {}),
  });
  // kstern's own colours pass the sanitiser whatever --pod-colors holds; a log's SGR only if it colours.
  const ownSgr = paletteSgr(palette);
  const safeTemplate = o.sanitize ? (s: string) => sanitizeText(s, o.color, ownSgr) : (s: string) => s;
  const safeJSON = o.sanitize ? sanitizeJSON : (s: string) => s;
  const keep = compileLineFilter({ include: [...cfg.include], exclude: [...cfg.exclude] });
  const json = o.template === undefined && cfg.output !== 'default' && cfg.output !== 'raw';
  // Highlighting puts escape bytes in the text: never inside JSON.
  const highlight = json ? undefined : compileHighlighter([...cfg.highlight], o.color);
  const plainDefault = o.template === undefined && cfg.output === 'default' && !o.stdin;

  if (plainDefault && !keep && !highlight && !formatTs) return base;
  /**
   * With --timestamps, a line the server sent without a timestamp gets stern's marker in the default
   * output too (the default formatter prints nothing for an empty timestamp).
   */
  const stamped = (l: LogLine): LogLine =>
    formatTs && l.timestamp === '' ? { ...l, timestamp: MISSING } : l;

  const tpl =
    o.template === undefined
      ? undefined
      : compileTemplate(o.template, { color: o.color, localZone: localZone() });
  /** Per target, computed once: the FNV hash is not worth redoing per line. */
  const colorCache = new WeakMap<LogLine['target'], { pod: string; container: string }>();

  function render(l: LogLine, message: string): string | undefined {
    const t = l.target;
    let timestamp = '';
    if (formatTs) {
      const ts = l.timestamp === '' ? undefined : formatTs(l.timestamp);
      if (ts === undefined) message = `${MISSING} ${message}`;
      else timestamp = ts;
    }
    if (tpl) {
      let c = colorCache.get(t);
      if (c === undefined) {
        c = o.stdin
          ? { pod: '0', container: '0' }
          : colorsFor(t.pod, t.container, palette, cfg.diffContainer);
        colorCache.set(t, c);
      }
      const data: LogData = {
        Message: message,
        Timestamp: timestamp,
        NodeName: t.podObject.spec?.nodeName ?? '',
        Namespace: t.namespace,
        PodName: t.pod,
        ContainerName: t.container,
        Labels: t.podObject.metadata.labels ?? null,
        Annotations: t.podObject.metadata.annotations ?? null,
        PodColor: { params: c.pod },
        ContainerColor: { params: c.container },
        ...(l.previous === true ? { Previous: true } : {}),
        ...(o.context === undefined ? {} : { Context: o.context }),
      };
      let s: string;
      try {
        s = tpl.execute(data);
      } catch (e) {
        const where = o.stdin ? '' : ` on a line of ${t.namespace}/${t.pod}/${t.container}`;
        o.report(`expanding template failed${where}: ${errorMessage(e)}; the line is dropped`, 'error');
        o.onLineFailed?.();
        return undefined;
      }
      s = safeTemplate(s);
      return cfg.templateNoNewline || s.endsWith('\n') ? s : `${s}\n`;
    }
    const data = {
      message,
      timestamp,
      nodeName: t.podObject.spec?.nodeName ?? '',
      namespace: t.namespace,
      podName: t.pod,
      containerName: t.container,
      labels: t.podObject.metadata.labels ?? null,
      annotations: t.podObject.metadata.annotations ?? null,
      ...(l.previous === true ? { previous: true } : {}),
      ...(o.context === undefined ? {} : { context: o.context }),
    };
    switch (cfg.output) {
      case 'json':
        return safeJSON(jsonLine(data));
      case 'extjson':
      case 'ppextjson':
        return safeJSON(
          extjsonLine(data, {
            pretty: cfg.output === 'ppextjson',
            namespace: cfg.allNamespaces,
            ...(timestamp ? { timestamp } : {}),
          }),
        );
      default:
        return rawLine(data);
    }
  }

  // raw keeps the bytes too: invalid UTF-8 and NULs come out exactly as the container wrote them.
  const rawBytes = o.template === undefined && cfg.output === 'raw' && !highlight;
  const NL = Buffer.from('\n');

  const rawBatch = rawBytes && !keep && !formatTs;
  return {
    ...(rawBatch ? { lines: (ls: readonly LogLine[]) => joinLines(ls, undefined) } : {}),
    line(l) {
      if (rawBytes) {
        if (keep && !keep(l.content.toString('utf8'))) return undefined;
        if (!formatTs) return Buffer.concat([l.content, NL], l.content.length + 1);
        const ts = l.timestamp === '' ? undefined : formatTs(l.timestamp);
        return Buffer.concat([Buffer.from(ts === undefined ? `${MISSING} ` : `${ts} `), l.content, NL]);
      }
      if (plainDefault) {
        if (keep && !keep(l.content.toString('utf8'))) return undefined;
        const b = base.line(stamped(l));
        return highlight && b ? Buffer.from(highlight(b.toString('utf8'))) : b;
      }
      const message = l.content.toString('utf8');
      if (keep && !keep(message)) return undefined;
      const s = render(l, message);
      if (s === undefined) return undefined;
      return Buffer.from(highlight ? highlight(s) : s);
    },
    attach: (t) => base.attach(t),
    detach: (t) => base.detach(t),
  };
}
