// `--template` / `--template-file`: a Go template (packages/gotemplate) executed on stern's Log struct.
// A line the template fails on is reported on stderr and dropped; the run's exit code says so.
import { compileTemplate, type LogData, type Painter } from '@kstern/gotemplate';
import type { LogLine, Target } from '../../core/model.ts';
import { errorMessage } from '../../util/errors.ts';
import type { Report } from '../../util/messages.ts';
import { colorsFor, type Palette } from '../colors.ts';
import type { Formatter } from '../format.ts';
import { type FormatTimestamp, stamped } from './stamp.ts';

export interface TemplateOutputOptions {
  template: string;
  /** Off: the template's colour functions write plain text. */
  color: boolean;
  /** Writes the template's colours (SGR parameters, .PodColor's included). */
  paint: Painter;
  /** The zone the template's Local means. */
  localZone: string;
  palette: Palette;
  diffContainer: boolean;
  /** Lines read with --stdin: no pod, so .PodColor and .ContainerColor are SGR 0 (no colour). */
  stdin: boolean;
  formatTs: FormatTimestamp | undefined;
  /** With several --context: .Context. */
  context: string | undefined;
  /** --template-no-newline: the output is printed as it is, with no newline added. */
  noNewline: boolean;
  /** Makes the template's whole output safe for a terminal (identity when the sanitizer is off). */
  safe: (s: string) => string;
  /** A message for stderr (a template failure is an error: the line is dropped). */
  report: Report;
  /** Called for each line the template failed on. */
  onLineFailed: (() => void) | undefined;
  /** The `+`/`-` lines of a tail: the default output's, whatever the output. */
  tailLines: Pick<Formatter, 'attach' | 'detach'>;
}

/** Compiles the template at once: a bad one throws TemplateError before anything connects. */
export function templateOutput(o: TemplateOutputOptions): Formatter {
  const tpl = compileTemplate(o.template, { color: o.color, localZone: o.localZone, paint: o.paint });
  const { formatTs, context, tailLines } = o;
  /** Per target, computed once: the FNV hash is not worth redoing per line. */
  const colorCache = new WeakMap<Target, { pod: string; container: string }>();
  const colorsOf = (t: Target) => {
    let c = colorCache.get(t);
    if (c === undefined) {
      c = o.stdin ? { pod: '0', container: '0' } : colorsFor(t.pod, t.container, o.palette, o.diffContainer);
      colorCache.set(t, c);
    }
    return c;
  };
  return {
    line(l) {
      const data = templateData(
        l,
        colorsOf(l.target),
        stamped(formatTs, l, l.content.toString('utf8')),
        context,
      );
      let s: string;
      try {
        s = tpl.execute(data);
      } catch (e) {
        const t = l.target;
        const where = o.stdin ? '' : ` on a line of ${t.namespace}/${t.pod}/${t.container}`;
        o.report(`expanding template failed${where}: ${errorMessage(e)}; the line is dropped`, 'error');
        o.onLineFailed?.();
        return undefined;
      }
      s = o.safe(s);
      return Buffer.from(o.noNewline || s.endsWith('\n') ? s : `${s}\n`);
    },
    attach: (t) => tailLines.attach(t),
    detach: (t) => tailLines.detach(t),
  };
}

/** stern's Log struct for one line (kstern's .Previous and .Context only when they apply). */
function templateData(
  l: LogLine,
  c: { pod: string; container: string },
  s: { message: string; timestamp: string },
  context: string | undefined,
): LogData {
  const t = l.target;
  return {
    Message: s.message,
    Timestamp: s.timestamp,
    NodeName: t.podObject.spec?.nodeName ?? '',
    Namespace: t.namespace,
    PodName: t.pod,
    ContainerName: t.container,
    Labels: t.podObject.metadata.labels ?? null,
    Annotations: t.podObject.metadata.annotations ?? null,
    PodColor: { params: c.pod },
    ContainerColor: { params: c.container },
    ...(l.previous === true ? { Previous: true } : {}),
    ...(context === undefined ? {} : { Context: context }),
  };
}
