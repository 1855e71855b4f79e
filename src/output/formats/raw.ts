// `-o raw`: `[<timestamp> ]<content>`, the content's bytes exactly as the container wrote them (invalid
// UTF-8 and NULs included), a whole batch in one Buffer when there is no timestamp to add.
import type { LogLine } from '../../core/model.ts';
import { type Formatter, joinLines } from '../format.ts';
import { rawLine } from '../json-formats.ts';
import { type FormatTimestamp, lineTimestamp, MISSING, stamped } from './stamp.ts';

const NL = Buffer.from('\n');

export interface RawOutputOptions {
  formatTs: FormatTimestamp | undefined;
  /**
   * The line as text: decoded from UTF-8 and encoded again (an invalid sequence becomes U+FFFD), as the
   * default output does with --stdin, where there is no pod or container to print.
   */
  text: boolean;
  /** The `+`/`-` lines of a tail: the default output's, whatever the output. */
  tailLines: Pick<Formatter, 'attach' | 'detach'>;
}

export function rawOutput(o: RawOutputOptions): Formatter {
  const { formatTs, tailLines } = o;
  const attach = (t: Parameters<Formatter['attach']>[0]) => tailLines.attach(t);
  const detach = (t: Parameters<Formatter['detach']>[0]) => tailLines.detach(t);
  if (o.text) {
    return {
      line: (l) => Buffer.from(rawLine(stamped(formatTs, l, l.content.toString('utf8')))),
      attach,
      detach,
    };
  }
  if (formatTs === undefined) {
    return {
      lines: (ls: readonly LogLine[]) => joinLines(ls, undefined),
      line: (l) => Buffer.concat([l.content, NL], l.content.length + 1),
      attach,
      detach,
    };
  }
  return {
    line(l) {
      const ts = lineTimestamp(formatTs, l);
      return Buffer.concat([Buffer.from(ts === undefined ? `${MISSING} ` : `${ts} `), l.content, NL]);
    },
    attach,
    detach,
  };
}
