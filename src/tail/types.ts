import type { Target } from '../targets/types.ts';

/** One log line, as read from a container's stream. */
export interface LogLine {
  target: Target;
  /** The API timestamp as sent (RFC3339Nano), or '' if the line had none. */
  timestamp: string;
  /** The content, without the timestamp and the line ending; bytes as sent (may be invalid UTF-8). */
  content: Buffer;
  /** A line of the container's previous (terminated) instance, printed before the current one's on attach. */
  previous?: boolean;
}
