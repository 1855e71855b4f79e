// The default output, `[<ns> ]<pod> <container> [<timestamp> ]<content>`: format.ts's defaultFormatter,
// batch fast path included, as it is without --timestamps.
import type { LogLine } from '../../core/model.ts';
import { type DefaultFormatOptions, type DefaultFormatter, defaultFormatter } from '../format.ts';
import { type FormatTimestamp, MISSING } from './stamp.ts';

/**
 * `style`: colour, namespace, palette and name sanitising, as for the attach lines. `formatTs` (with
 * --timestamps): each line's time after the container, stern's marker for a line without one.
 */
export function defaultOutput(
  style: Omit<DefaultFormatOptions, 'formatTimestamp'>,
  formatTs: FormatTimestamp | undefined,
): DefaultFormatter {
  if (formatTs === undefined) return defaultFormatter(style);
  const base = defaultFormatter({
    ...style,
    formatTimestamp: (ts) => (ts === MISSING ? MISSING : (formatTs(ts) ?? MISSING)),
  });
  // defaultFormatter prints nothing for an empty timestamp: a line without one carries the marker.
  const marked = (l: LogLine): LogLine => (l.timestamp === '' ? { ...l, timestamp: MISSING } : l);
  return {
    line: (l) => base.line(marked(l)),
    attach: (t) => base.attach(t),
    detach: (t) => base.detach(t),
  };
}
