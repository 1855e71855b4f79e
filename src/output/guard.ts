// A formatter that cannot lose a line: when the chosen output (a template, -o json) throws on a line
// (a hostile pod object nested too deep, a template function that fails), the line is printed in the
// default format instead, the first failure is reported on stderr, and the run's exit code says so.
import type { LogLine } from '../core/model.ts';
import { errorMessage } from '../util/errors.ts';
import type { Report } from '../util/messages.ts';
import type { DefaultFormatter, Formatter } from './format.ts';

export interface GuardedFormatter extends Formatter {
  /** Lines the chosen output could not format (printed in the default format instead). */
  readonly failures: number;
}

export function guardFormatter(
  f: Formatter,
  fallback: DefaultFormatter,
  report: Report,
  what: string,
): GuardedFormatter {
  let failures = 0;
  const batch = f.lines;
  return {
    // A batch that fails is formatted again line by line, where each failure falls back alone.
    ...(batch
      ? {
          lines(ls: readonly LogLine[]) {
            try {
              return batch.call(f, ls);
            } catch {
              return undefined;
            }
          },
        }
      : {}),
    line(l: LogLine) {
      try {
        return f.line(l);
      } catch (e) {
        if (failures++ === 0) {
          const t = l.target;
          const where = t.pod === '' ? 'a line' : `a line of ${t.namespace}/${t.pod}/${t.container}`;
          report(
            `cannot format ${where} with ${what}: ${errorMessage(e)}; printed in the default format (later failures are counted, not reported)`,
            'warning',
          );
        }
        return fallback.line(l);
      }
    },
    attach: (t) => f.attach(t),
    detach: (t) => f.detach(t),
    get failures() {
      return failures;
    },
  };
}
