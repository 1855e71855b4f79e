// --timestamps in every output: the API timestamp rendered by timefmt.ts, or stern's marker for a line
// the server sent without one (or with one that does not parse).
import type { LogLine } from '../../core/model.ts';

export const MISSING = '[missing timestamp]';

/** Renders an API timestamp (timefmt.ts's timestampFormatter); undefined when it does not parse. */
export type FormatTimestamp = (apiTimestamp: string) => string | undefined;

/** A line's formatted timestamp; undefined when it has none or it does not parse. */
export function lineTimestamp(formatTs: FormatTimestamp, l: LogLine): string | undefined {
  return l.timestamp === '' ? undefined : formatTs(l.timestamp);
}

/**
 * The message and timestamp an output prints: without --timestamps, the message and ''; with it, the
 * rendered timestamp, or '' and the message behind the marker (`[missing timestamp] <message>`).
 */
export function stamped(
  formatTs: FormatTimestamp | undefined,
  l: LogLine,
  message: string,
): { message: string; timestamp: string } {
  if (formatTs === undefined) return { message, timestamp: '' };
  const ts = lineTimestamp(formatTs, l);
  return ts === undefined ? { message: `${MISSING} ${message}`, timestamp: '' } : { message, timestamp: ts };
}
