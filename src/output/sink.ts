// The tails' LineSink: each batch formatted and written to stdout as one write (lines never interleave;
// formatted in one piece when the formatter has a batch path, else line by line and joined),
// attach/detach lines to stderr. The formatter must not throw (run.ts guards it: see guard.ts).
import type { LineSink } from '../tail/sink.ts';
import type { Formatter } from './format.ts';
import type { Writer } from './writer.ts';

export function formatSink(formatter: Formatter, writer: Writer): LineSink {
  return {
    async lines(lines) {
      const batch = formatter.lines?.(lines);
      if (batch !== undefined) {
        if (batch.length > 0) await writer.out(batch);
        return;
      }
      if (lines.length === 1) {
        const b = formatter.line(lines[0]!);
        if (b !== undefined) await writer.out(b);
        return;
      }
      const out: Buffer[] = [];
      for (const l of lines) {
        const b = formatter.line(l);
        if (b !== undefined) out.push(b);
      }
      if (out.length > 0) await writer.out(out.length === 1 ? out[0]! : Buffer.concat(out));
    },
    attached: (t) => writer.err(formatter.attach(t)),
    detached: (t) => writer.err(formatter.detach(t)),
  };
}
