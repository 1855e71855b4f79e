// --stdin: format lines read from standard input with the same filters and templates; no cluster.

import type { LogLine, Target } from './core/model.ts';
import type { InStream } from './deps.ts';
import { markPiece } from './tail/emitter.ts';
import type { LineSink } from './tail/sink.ts';
import { UserError } from './util/errors.ts';
import { LineSplitter, PIECE } from './util/lines.ts';

/** Lines from stdin belong to no pod: every name is empty. */
const STDIN_TARGET: Target = {
  key: 'stdin',
  namespace: '',
  pod: '',
  podUid: '',
  container: '',
  kind: 'regular',
  containerId: '',
  podObject: { metadata: { name: '' } },
};

export async function runStdin(o: {
  input: InStream | undefined;
  sink: LineSink;
  sanitize: ((line: Buffer) => Buffer) | undefined;
  signal: AbortSignal;
  maxLineBytes: number;
}): Promise<number> {
  if (!o.input) throw new UserError('--stdin: no standard input', 1);
  const splitter = new LineSplitter(o.maxLineBytes);
  const emit = async (lines: Buffer[]) => {
    if (lines.length === 0) return;
    const kinds = splitter.kinds;
    const out: LogLine[] = lines.map((raw, i) => {
      const piece = kinds?.[i] ?? PIECE.whole;
      const content = o.sanitize ? o.sanitize(raw) : raw;
      return {
        target: STDIN_TARGET,
        timestamp: '',
        content: markPiece(content, piece),
      };
    });
    await o.sink.lines(out);
  };
  for await (const chunk of o.input) {
    if (o.signal.aborted) break;
    await emit(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)));
  }
  await emit(splitter.end());
  return 0;
}
