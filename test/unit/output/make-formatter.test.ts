// The output switch (make-formatter.ts) and the wrappers around whichever output it picks: filters (-i/-e)
// drop lines before they are formatted, highlight (-H) colours the rendered line, and a batch written in
// one piece holds exactly the bytes the lines give one by one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileUserRegex } from '../../../src/config/user-regex.ts';
import type { LogLine, Target } from '../../../src/core/model.ts';
import { type FormatterOptions, makeFormatter } from '../../../src/output/make-formatter.ts';

const target = {
  key: 'default/web-1/app',
  namespace: 'default',
  pod: 'web-1',
  podUid: 'uid',
  container: 'app',
  kind: 'regular',
  containerId: 'cid',
  podObject: { metadata: { name: 'web-1', namespace: 'default' }, spec: { nodeName: 'n1' } },
} as Target;

const TS = '2026-01-02T03:04:05.123456789Z';
const lines: LogLine[] = ['GET /a 200', 'GET /b 500', 'POST /c 200', 'bad \xff byte'].map((s) => ({
  target,
  timestamp: TS,
  content: Buffer.from(s, 'latin1'),
}));

function fmt(o: {
  output?: FormatterOptions['cfg']['output'];
  template?: string;
  include?: string[];
  exclude?: string[];
  highlight?: string[];
  timestamps?: boolean;
}) {
  return makeFormatter({
    cfg: {
      output: o.output ?? 'default',
      timestamps: o.timestamps ? 'short' : undefined,
      timezone: 'UTC',
      include: (o.include ?? []).map((p) => compileUserRegex(p, 'for include filter')),
      exclude: (o.exclude ?? []).map((p) => compileUserRegex(p, 'for exclude filter')),
      highlight: o.highlight ?? [],
      podColors: [],
      containerColors: [],
      diffContainer: false,
      templateNoNewline: false,
      allNamespaces: false,
    } as unknown as FormatterOptions['cfg'],
    template: o.template,
    level: 3,
    showNamespace: false,
    localZone: 'UTC',
    report: () => {},
  });
}

const oneByOne = (f: ReturnType<typeof fmt>) =>
  lines
    .map((l) => f.line(l))
    .filter((b) => b !== undefined)
    .map((b) => b.toString('latin1'))
    .join('');

const H = (s: string) => `\x1b[31m\x1b[1m${s}\x1b[22m\x1b[39m`;
const POD = '\x1b[93mweb-1\x1b[39m \x1b[33mapp\x1b[39m';

describe('makeFormatter: the picked output, filtered and highlighted', () => {
  const cases: { name: string; o: Parameters<typeof fmt>[0]; want: string; batch: boolean }[] = [
    {
      name: 'default, coloured prefix: one batch',
      o: {},
      want: `${POD} GET /a 200\n${POD} GET /b 500\n${POD} POST /c 200\n${POD} bad \xff byte\n`,
      batch: true,
    },
    {
      name: 'default with -i and -e: the kept lines, still one batch',
      o: { include: ['GET'], exclude: ['500'] },
      want: `${POD} GET /a 200\n`,
      batch: true,
    },
    {
      name: 'raw with -e: the bytes as written, one batch',
      o: { output: 'raw', exclude: ['GET'] },
      want: 'POST /c 200\nbad \xff byte\n',
      batch: true,
    },
    {
      name: 'raw with -H: the match highlighted, the line as text (invalid UTF-8 shown as U+FFFD)',
      o: { output: 'raw', highlight: ['200', 'byte'] },
      want: `GET /a ${H('200')}\nGET /b 500\nPOST /c ${H('200')}\nbad \xef\xbf\xbd ${H('byte')}\n`,
      batch: false,
    },
    {
      name: 'default with --timestamps and -i: line by line',
      o: { timestamps: true, include: ['POST'] },
      want: `${POD} 01-02 03:04:05 POST /c 200\n`,
      batch: false,
    },
    {
      name: 'json with -i and -H: filtered, never highlighted',
      o: { output: 'json', include: ['POST'], highlight: ['POST'] },
      want: `{"message":"POST /c 200","nodeName":"n1","namespace":"default","podName":"web-1","containerName":"app","labels":null,"annotations":null}\n`,
      batch: false,
    },
    {
      name: 'a template with -e and -H',
      o: { template: '{{.PodName}}: {{.Message}}', exclude: ['GET'], highlight: ['web'] },
      want: `${H('web')}-1: POST /c 200\n${H('web')}-1: bad \xef\xbf\xbd byte\n`,
      batch: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = fmt(c.o);
      assert.equal(oneByOne(f), c.want);
      const batch = f.lines?.(lines);
      assert.equal(batch !== undefined, c.batch);
      if (batch !== undefined) assert.equal(batch.toString('latin1'), c.want);
    });
  }
});
