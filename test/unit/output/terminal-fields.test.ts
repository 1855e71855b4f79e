// Issue 7, point 5: what comes from the cluster besides the message (annotations, labels, node, namespace,
// pod and container names) reaches a terminal only sanitised, in every output format, when the sanitizer
// is on (stdout is a terminal, or --sanitize). Piped output stays byte-exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogLine, Target } from '../../../src/core/model.ts';
import { type FormatterOptions, makeFormatter } from '../../../src/output/make-formatter.ts';

const OSC52 = '\x1b]52;c;ZXZpbA==\x07';
const TITLE = '\x1b]0;pwned\x1b\\';
const CLEAR = '\x1b[2J';
const E_OSC52 = '\\x1b]52;c;ZXZpbA==\\x07';
const E_TITLE = '\\x1b]0;pwned\\x1b\\';
const E_CLEAR = '\\x1b[2J';

function hostileTarget(): Target {
  const pod = `web${CLEAR}`;
  const namespace = `ns${TITLE}`;
  const container = `app\u202e`;
  return {
    key: `${namespace}/${pod}/${container}`,
    namespace,
    pod,
    podUid: 'uid',
    container,
    kind: 'regular',
    containerId: 'cid',
    podObject: {
      metadata: {
        name: pod,
        namespace,
        labels: { app: `shop${OSC52}`, [`k${CLEAR}`]: 'v\u009b' },
        annotations: { note: `free text ${OSC52} ${TITLE}\x7f` },
      },
      spec: { nodeName: `node\u009b2J` },
    },
  } as Target;
}

const line = (t: Target, content: string): LogLine => ({
  target: t,
  timestamp: '',
  content: Buffer.from(content),
});

function formatter(o: {
  output?: 'default' | 'raw' | 'json' | 'extjson' | 'ppextjson';
  template?: string;
  color?: boolean;
  sanitize?: boolean;
  podColors?: string[];
  allNamespaces?: boolean;
}) {
  const opts: FormatterOptions = {
    cfg: {
      output: o.output ?? 'default',
      timestamps: undefined,
      timezone: 'UTC',
      include: [],
      exclude: [],
      highlight: [],
      podColors: o.podColors ?? [],
      containerColors: [],
      diffContainer: false,
      templateNoNewline: false,
      allNamespaces: o.allNamespaces ?? false,
    } as FormatterOptions['cfg'],
    template: o.template,
    level: o.color ? 3 : 0,
    showNamespace: o.allNamespaces ?? false,
    localZone: 'UTC',
    report: () => {},
    sanitize: o.sanitize ?? true,
  };
  return makeFormatter(opts);
}

const ALL_FIELDS =
  '{{.Annotations.note}}|{{.Labels.app}}|{{.Labels}}|{{.NodeName}}|{{.Namespace}}|{{.PodName}}|{{.ContainerName}}|{{.Message}}';

describe('templates: cluster fields are sanitised (point 5)', () => {
  it('escapes OSC 52, title, CSI 2J, C1, bidi and DEL in every field', () => {
    const out = formatter({ template: ALL_FIELDS }).line(line(hostileTarget(), 'msg'))!.toString('utf8');
    assert.equal(
      out,
      `free text ${E_OSC52} ${E_TITLE}\\x7f|shop${E_OSC52}|map[app:shop${E_OSC52} k${E_CLEAR}:v\\u009b]` +
        `|node\\u009b2J|ns${E_TITLE}|web${E_CLEAR}|app\\u202e|msg\n`,
    );
  });

  it('escapes values reached through index and range', () => {
    const tpl = '{{index .Annotations "note"}}{{range $k, $v := .Labels}} {{$k}}={{$v}}{{end}}';
    const out = formatter({ template: tpl }).line(line(hostileTarget(), 'm'))!.toString('utf8');
    assert.ok(!out.includes('\x1b') && !out.includes('\u009b'), JSON.stringify(out));
  });

  it('keeps kstern colours, even custom ones the sanitiser would not allow from a log', () => {
    const t = hostileTarget();
    const out = formatter({
      template: '{{color .PodColor .PodName}} {{colorRed .Labels.app}}',
      color: true,
      podColors: ['7;91'],
    })
      .line(line(t, 'm'))!
      .toString('utf8');
    // inverse (7) and its reset (27) would be escaped in a log line
    assert.equal(out, `\x1b[7m\x1b[91mweb${E_CLEAR}\x1b[39m\x1b[27m \x1b[31mshop${E_OSC52}\x1b[39m\n`);
  });

  it('escapes what a template decodes from the message (parseJSON of \\u001b)', () => {
    const out = formatter({ template: '{{(parseJSON .Message).msg}}' })
      .line(line(hostileTarget(), '{"msg":"\\u001b]52;c;ZXZpbA==\\u0007"}'))!
      .toString('utf8');
    assert.equal(out, `${E_OSC52}\n`);
  });

  it('keeps the newlines a template writes (prettyJSON)', () => {
    const out = formatter({ template: '{{prettyJSON .Message}}' })
      .line(line(hostileTarget(), '{"a":"\\u001b[2J"}'))!
      .toString('utf8');
    assert.equal(out, `{\n  "a": "\\u001b[2J"\n}\n`); // re-encoded by prettyJSON: safe, and the newlines stay
  });

  it('is byte-exact when the sanitizer is off (piped)', () => {
    const out = formatter({ template: '{{.Annotations.note}}', sanitize: false })
      .line(line(hostileTarget(), 'm'))!
      .toString('utf8');
    assert.equal(out, `free text ${OSC52} ${TITLE}\x7f\n`);
  });
});

describe('-o json / extjson / ppextjson: JSON stays valid and carries no terminal control (point 5)', () => {
  for (const output of ['json', 'extjson', 'ppextjson'] as const) {
    it(`${output}: C1, bidi and DEL are \\u escapes, the values decode unchanged`, () => {
      const out = formatter({ output, allNamespaces: true })
        .line(line(hostileTarget(), 'msg'))!
        .toString('utf8');
      assert.ok(
        !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(out),
        JSON.stringify(out),
      );
      const v = JSON.parse(out) as Record<string, unknown>;
      if (output === 'json') {
        assert.equal(v['nodeName'], 'node\u009b2J');
        assert.deepEqual(v['annotations'], { note: `free text ${OSC52} ${TITLE}\x7f` });
      } else {
        assert.equal(v['pod'], `web${CLEAR}`);
        assert.equal(v['container'], 'app\u202e');
      }
    });
  }
});

describe('default and raw formats: names in the prefix and the attach lines (point 5)', () => {
  it('escapes the namespace, pod and container in the prefix and in + / - lines', () => {
    for (const color of [false, true]) {
      const f = formatter({ allNamespaces: true, color });
      const t = hostileTarget();
      const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
      assert.equal(
        plain(f.line(line(t, 'm'))!.toString('utf8')),
        `ns${E_TITLE} web${E_CLEAR} app\\u202e m\n`,
      );
      assert.equal(plain(f.attach(t)), `+ ns${E_TITLE} web${E_CLEAR} › app\\u202e\n`);
      assert.equal(plain(f.detach(t)), `- ns${E_TITLE} web${E_CLEAR} › app\\u202e\n`);
    }
  });

  it('keeps names byte-exact when the sanitizer is off', () => {
    const f = formatter({ allNamespaces: true, sanitize: false });
    assert.equal(
      f.line(line(hostileTarget(), 'm'))!.toString('utf8'),
      `ns${TITLE} web${CLEAR} app\u202e m\n`,
    );
  });

  it('-o raw prints the message only (sanitised by the tailer)', () => {
    assert.equal(formatter({ output: 'raw' }).line(line(hostileTarget(), 'm'))!.toString('utf8'), 'm\n');
  });
});
