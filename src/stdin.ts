// --stdin: format lines read from standard input with the same filters and templates; no cluster.
import type { InStream } from './deps.ts';
import { UserError } from './errors.ts';
import type { Formatter } from './output/format.ts';
import type { Writer } from './output/writer.ts';
import { LineSplitter, PIECE } from './tail/lines.ts';
import { CONTINUED } from './tail/tailer.ts';
import type { Target } from './targets/types.ts';

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
  formatter: Formatter;
  writer: Writer;
  sanitize: ((line: Buffer) => Buffer) | undefined;
  signal: AbortSignal;
  maxLineBytes: number;
}): Promise<number> {
  if (!o.input) throw new UserError('--stdin: no standard input', 1);
  const splitter = new LineSplitter(o.maxLineBytes);
  const emit = async (lines: Buffer[]) => {
    const out: Buffer[] = [];
    const kinds = splitter.kinds;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const piece = kinds?.[i] ?? PIECE.whole;
      let content = o.sanitize ? o.sanitize(raw) : raw;
      if (piece === PIECE.first || piece === PIECE.middle) content = Buffer.concat([content, CONTINUED]);
      const b = o.formatter.line({ target: STDIN_TARGET, timestamp: '', content });
      if (b !== undefined) out.push(b);
    }
    if (out.length > 0) await o.writer.out(Buffer.concat(out));
  };
  for await (const chunk of o.input) {
    if (o.signal.aborted) break;
    await emit(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)));
  }
  await emit(splitter.end());
  return 0;
}
