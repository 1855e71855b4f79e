// With --timestamps, a line that came without a timestamp is marked "[missing timestamp]" (stern's
// marker) in every output: the default one included, not only raw and templates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
  podObject: { metadata: { name: 'web-1', namespace: 'default' }, spec: {} },
} as Target;

const line = (timestamp: string, content: string): LogLine => ({
  target,
  timestamp,
  content: Buffer.from(content),
});

function fmt(output: 'default' | 'raw', template?: string, include: RegExp[] = []) {
  return makeFormatter({
    cfg: {
      output,
      timestamps: 'default',
      timezone: 'UTC',
      include,
      exclude: [],
      highlight: [],
      podColors: [],
      containerColors: [],
      diffContainer: false,
      templateNoNewline: false,
      allNamespaces: false,
    } as unknown as FormatterOptions['cfg'],
    template,
    level: 0,
    showNamespace: false,
    localZone: 'UTC',
    report: () => {},
  });
}

const TS = '2026-01-02T03:04:05.123456789Z';

describe('[missing timestamp] with -t', () => {
  it('default output: a line without a timestamp gets the marker, one with keeps its time', () => {
    const f = fmt('default');
    assert.equal(f.line(line('', 'no time'))!.toString(), 'web-1 app [missing timestamp] no time\n');
    assert.equal(f.line(line('garbage', 'bad time'))!.toString(), 'web-1 app [missing timestamp] bad time\n');
    assert.equal(f.line(line(TS, 'timed'))!.toString(), `web-1 app ${TS} timed\n`);
  });

  it('the same with --include (the filtering path)', () => {
    const f = fmt('default', undefined, [/time/]);
    assert.equal(f.line(line('', 'no time'))!.toString(), 'web-1 app [missing timestamp] no time\n');
  });

  it('raw and templates, as before', () => {
    assert.equal(fmt('raw').line(line('', 'no time'))!.toString(), '[missing timestamp] no time\n');
    assert.equal(
      fmt('default', '{{.PodName}} {{.Message}}').line(line('', 'no time'))!.toString(),
      'web-1 [missing timestamp] no time\n',
    );
  });
});
