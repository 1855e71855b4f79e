// --stdin: format lines read from standard input with the same filters and templates; no cluster.
import type { InStream } from './deps.ts';
import { UserError } from './errors.ts';
import type { Formatter } from './output/format.ts';
import type { Writer } from './output/writer.ts';
import { LineSplitter } from './tail/lines.ts';
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
}): Promise<number> {
  if (!o.input) throw new UserError('--stdin: no standard input', 1);
  const splitter = new LineSplitter();
  const emit = async (lines: Buffer[]) => {
    const out: Buffer[] = [];
    for (const raw of lines) {
      const content = o.sanitize ? o.sanitize(raw) : raw;
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
