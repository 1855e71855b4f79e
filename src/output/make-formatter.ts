// Builds the Formatter for a run from the output flags: one switch picks the output (formats/: default,
// raw, json/extjson/ppextjson, a user's Go template); line filters (-i/-e) and highlight (-H) wrap
// whichever it is, and with several --context, the context is added in front.

import type { Config } from '../config/config.ts';
import type { Report } from '../util/messages.ts';
import { buildPalette, type Palette, paletteSgr } from './colors.ts';
import { compileHighlighter, compileLineFilter, withHighlight, withLineFilter } from './filters.ts';
import type { DefaultFormatter, Formatter } from './format.ts';
import { defaultOutput } from './formats/default.ts';
import { jsonOutput } from './formats/json.ts';
import { rawOutput } from './formats/raw.ts';
import type { FormatTimestamp } from './formats/stamp.ts';
import { templateOutput } from './formats/template.ts';
import { type ColorLevel, painter } from './paint.ts';
import { sanitizeText } from './sanitize.ts';
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
  /** The colour level chalk writes at: 0 no colour, 1 the 16 colours, 2 256, 3 truecolor. */
  level: ColorLevel;
  showNamespace: boolean;
  /**
   * The zone `--timezone Local` means; a function is called only when a timestamp or a template needs it
   * (asking the system's zone through Intl costs a noticeable part of start-up).
   */
  localZone: string | (() => string);
  /** Lines read with --stdin: no pod or container to show. */
  stdin?: boolean;
  /** A diagnostic for stderr (template expansion failures). */
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

/** Compiles the template first, so that a bad one is a usage error before anything connects. */
export function makeFormatter(o: FormatterOptions): Formatter {
  const { cfg } = o;
  const palette = buildPalette(cfg.podColors, cfg.containerColors);
  const localZone = () => (typeof o.localZone === 'string' ? o.localZone : o.localZone());
  const formatTs = cfg.timestamps ? timestampFormatter(cfg.timestamps, cfg.timezone, localZone()) : undefined;
  const base = defaultOutput(
    {
      level: o.level,
      showNamespace: o.showNamespace,
      palette,
      diffContainer: cfg.diffContainer,
      ...(o.sanitize ? { safeName: (name: string) => sanitizeText(name, false) } : {}),
    },
    formatTs,
  );
  const keep = compileLineFilter({ include: [...cfg.include], exclude: [...cfg.exclude] });
  const json = o.template === undefined && cfg.output !== 'default' && cfg.output !== 'raw';
  // Highlighting puts escape bytes in the text: never inside JSON.
  const highlight = json ? undefined : compileHighlighter([...cfg.highlight], o.level);
  const output = pickOutput(o, { base, palette, formatTs, localZone });
  const f = withLineFilter(withHighlight(output, highlight), keep);
  return o.context === undefined ? f : withContext(f, o, o.context);
}

/** What every output is built from, computed once per formatter. */
interface OutputParts {
  /** The default output: also the `+`/`-` lines of every other one. */
  base: DefaultFormatter;
  palette: Palette;
  formatTs: FormatTimestamp | undefined;
  localZone: () => string;
}

/** The one place an output is chosen: the template if there is one, else --output. */
function pickOutput(o: FormatterOptions, p: OutputParts): Formatter {
  const { cfg } = o;
  const { base, formatTs } = p;
  if (o.template !== undefined) return templateFor(o, o.template, p);
  switch (cfg.output) {
    case 'default':
      // --stdin: no pod or container to print, so the line as text.
      return o.stdin ? rawOutput({ formatTs, text: true, tailLines: base }) : base;
    case 'raw':
      return rawOutput({ formatTs, text: false, tailLines: base });
    case 'json':
    case 'extjson':
    case 'ppextjson':
      return jsonOutput({
        kind: cfg.output,
        formatTs,
        allNamespaces: cfg.allNamespaces,
        context: o.context,
        sanitize: o.sanitize === true,
        tailLines: base,
      });
  }
}

function templateFor(o: FormatterOptions, template: string, p: OutputParts): Formatter {
  // kstern's own colours pass the sanitiser whatever --pod-colors holds; a log's SGR only if it colours.
  const ownSgr = paletteSgr(p.palette);
  const color = o.level > 0;
  return templateOutput({
    template,
    color,
    paint: painter(o.level),
    localZone: p.localZone(),
    palette: p.palette,
    diffContainer: o.cfg.diffContainer,
    stdin: o.stdin === true,
    formatTs: p.formatTs,
    context: o.context,
    noNewline: o.cfg.templateNoNewline,
    safe: o.sanitize ? (s) => sanitizeText(s, color, ownSgr) : (s) => s,
    report: o.report,
    onLineFailed: o.onLineFailed,
    tailLines: p.base,
  });
}

/**
 * With several --context: the context in front of each line of the default output (after the `+`/`-` of
 * the attach lines); the other outputs carry it in their own fields.
 */
function withContext(f: Formatter, o: FormatterOptions, context: string): Formatter {
  const ctx = o.sanitize ? sanitizeText(context, false) : context;
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
