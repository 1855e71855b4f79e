// `-o json`, `-o extjson`, `-o ppextjson`: stern's Log struct (or its extjson shape) as Go's encoding/json
// writes it, one object per line (json-formats.ts). With the sanitizer on, DEL, C1 and bidi controls are
// written as \u escapes (still valid JSON).
import type { Formatter } from '../format.ts';
import { extjsonLine, jsonLine, type LogData } from '../json-formats.ts';
import { sanitizeJSON } from '../sanitize.ts';
import { type FormatTimestamp, stamped } from './stamp.ts';

export interface JsonOutputOptions {
  kind: 'json' | 'extjson' | 'ppextjson';
  formatTs: FormatTimestamp | undefined;
  /** extjson: with -A, `"namespace"` first. */
  allNamespaces: boolean;
  /** With several --context: the line's context (`"context"` in -o json). */
  context: string | undefined;
  sanitize: boolean;
  /** The `+`/`-` lines of a tail: the default output's, whatever the output. */
  tailLines: Pick<Formatter, 'attach' | 'detach'>;
}

export function jsonOutput(o: JsonOutputOptions): Formatter {
  const { formatTs, context, tailLines } = o;
  const safe = o.sanitize ? sanitizeJSON : (s: string) => s;
  const encode =
    o.kind === 'json'
      ? jsonLine
      : (data: LogData) =>
          extjsonLine(data, {
            pretty: o.kind === 'ppextjson',
            namespace: o.allNamespaces,
            ...(data.timestamp ? { timestamp: data.timestamp } : {}),
          });
  return {
    line(l) {
      const t = l.target;
      const { message, timestamp } = stamped(formatTs, l, l.content.toString('utf8'));
      const data: LogData = {
        message,
        timestamp,
        nodeName: t.podObject.spec?.nodeName ?? '',
        namespace: t.namespace,
        podName: t.pod,
        containerName: t.container,
        labels: t.podObject.metadata.labels ?? null,
        annotations: t.podObject.metadata.annotations ?? null,
        ...(l.previous === true ? { previous: true } : {}),
        ...(context === undefined ? {} : { context }),
      };
      return Buffer.from(safe(encode(data)));
    },
    attach: (t) => tailLines.attach(t),
    detach: (t) => tailLines.detach(t),
  };
}
