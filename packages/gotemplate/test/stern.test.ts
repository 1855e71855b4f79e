// stern's template vectors: cmd/cmd_test.go TestOptionsGenerateTemplate, the built-in outputs of
// cmd/cmd.go generateTemplate (stern.md §3.3), the function table (§3.6) and the JSON schema (§3.4).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileTemplate,
  ExecError,
  jsonMarshal,
  type LogData,
  logToJSON,
  TemplateError,
} from '../src/index.ts';

process.env['TZ'] = 'UTC';

const DEFAULT =
  '{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{if .Timestamp}}{{.Timestamp}} {{end}}{{.Message}}';
const DEFAULT_A = `{{color .PodColor .Namespace}} ${DEFAULT}`;
const RAW = '{{if .Timestamp}}{{.Timestamp}} {{end}}{{.Message}}';
const EXTJSON =
  '{"pod": "{{color .PodColor .PodName}}", "container": "{{color .ContainerColor .ContainerName}}", "message": {{extjson .Message}}}';
const EXTJSON_A =
  '{"namespace": "{{color .PodColor .Namespace}}", "pod": "{{color .PodColor .PodName}}", "container": "{{color .ContainerColor .ContainerName}}", "message": {{extjson .Message}}}';
const PPEXTJSON =
  '{\n  "pod": "{{color .PodColor .PodName}}",\n  "container": "{{color .ContainerColor .ContainerName}}",\n  "message": {{extjson .Message}}\n}';
const PPEXTJSON_A =
  '{\n  "namespace": "{{color .PodColor .Namespace}}",\n  "pod": "{{color .PodColor .PodName}}",\n  "container": "{{color .ContainerColor .ContainerName}}",\n  "message": {{extjson .Message}}\n}';
// cmd/test.tpl
const TEST_TPL =
  '{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{ with $msg := .Message | tryParseJSON }}[{{ colorGreen (toRFC3339Nano (toUTC $msg.ts)) }}] {{ levelColor $msg.level }} {{ $msg.msg }}{{ else }}{{ .Message }}{{ end }}';

/** The Log of cmd_test.go: FgRed pod colour, FgBlue container colour. */
function log(message: string, extra: Partial<LogData> = {}): LogData {
  return {
    Message: message,
    Timestamp: '',
    NodeName: 'node1',
    Namespace: 'ns1',
    PodName: 'pod1',
    ContainerName: 'container1',
    Labels: null,
    Annotations: null,
    PodColor: { params: '31' },
    ContainerColor: { params: '34' },
    ...extra,
  };
}

const LABELLED: Partial<LogData> = {
  Labels: { app: 'nginx', env: 'prod' },
  Annotations: { version: '1.23.4' },
};

function render(src: string, data: unknown, color = false): string {
  return compileTemplate(src, { color }).execute(data);
}

describe('stern built-in and custom templates (NO_COLOR)', () => {
  const cases: { name: string; tpl: string; data: LogData; want: string }[] = [
    {
      name: 'output=default',
      tpl: `${DEFAULT}\n`,
      data: log('default message'),
      want: 'pod1 container1 default message\n',
    },
    {
      name: 'output=default+allNamespaces',
      tpl: `${DEFAULT_A}\n`,
      data: log('default message'),
      want: 'ns1 pod1 container1 default message\n',
    },
    {
      name: 'output=default with .Timestamp',
      tpl: `${DEFAULT}\n`,
      data: log('m', { Timestamp: '06-20 17:20:30' }),
      want: 'pod1 container1 06-20 17:20:30 m\n',
    },
    { name: 'output=raw', tpl: `${RAW}\n`, data: log('raw message'), want: 'raw message\n' },
    {
      name: 'output=raw with .Timestamp',
      tpl: `${RAW}\n`,
      data: log('raw message', { Timestamp: '2021-06-20T17:20:30.331385000+09:00' }),
      want: '2021-06-20T17:20:30.331385000+09:00 raw message\n',
    },
    {
      name: 'output=json',
      tpl: '{{json .}}\n',
      data: log('json message'),
      want: '{"message":"json message","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":null,"annotations":null}\n',
    },
    {
      name: 'output=json with labels and annotations',
      tpl: '{{json .}}\n',
      data: log('json message', LABELLED),
      want: '{"message":"json message","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":{"app":"nginx","env":"prod"},"annotations":{"version":"1.23.4"}}\n',
    },
    {
      name: 'output=json with timestamp (omitempty)',
      tpl: '{{json .}}\n',
      data: log('<b>&', { Timestamp: '02-13 21:20:30' }),
      want: '{"message":"\\u003cb\\u003e\\u0026","timestamp":"02-13 21:20:30","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":null,"annotations":null}\n',
    },
    {
      name: 'output=extjson',
      tpl: `${EXTJSON}\n`,
      data: log('{"msg":"extjson message"}'),
      want: '{"pod": "pod1", "container": "container1", "message": {"msg":"extjson message"}}\n',
    },
    {
      name: 'output=extjson+allNamespaces',
      tpl: `${EXTJSON_A}\n`,
      data: log('{"msg":"extjson message"}'),
      want: '{"namespace": "ns1", "pod": "pod1", "container": "container1", "message": {"msg":"extjson message"}}\n',
    },
    {
      name: 'output=extjson, message not JSON',
      tpl: `${EXTJSON}\n`,
      data: log('plain "text" <tag>'),
      want: '{"pod": "pod1", "container": "container1", "message": "plain \\"text\\" \\u003ctag\\u003e"}\n',
    },
    {
      name: 'output=extjson, trailing newline of valid JSON trimmed',
      tpl: `${EXTJSON}\n`,
      data: log('[1, 2]\n'),
      want: '{"pod": "pod1", "container": "container1", "message": [1, 2]}\n',
    },
    {
      name: 'output=ppextjson',
      tpl: `${PPEXTJSON}\n`,
      data: log('{"msg":"ppextjson message"}'),
      want: '{\n  "pod": "pod1",\n  "container": "container1",\n  "message": {"msg":"ppextjson message"}\n}\n',
    },
    {
      name: 'output=ppextjson+allNamespaces',
      tpl: `${PPEXTJSON_A}\n`,
      data: log('{"msg":"ppextjson message"}'),
      want: '{\n  "namespace": "ns1",\n  "pod": "pod1",\n  "container": "container1",\n  "message": {"msg":"ppextjson message"}\n}\n',
    },
    {
      name: 'template (no newline added)',
      tpl: 'Message={{.Message}} NodeName={{.NodeName}} Namespace={{.Namespace}} PodName={{.PodName}} ContainerName={{.ContainerName}}',
      data: log('template message'),
      want: 'Message=template message NodeName=node1 Namespace=ns1 PodName=pod1 ContainerName=container1',
    },
    {
      name: 'template-file',
      tpl: TEST_TPL,
      data: log('template message'),
      want: 'pod1 container1 template message',
    },
    {
      name: 'template-file-json-log-ts-float',
      tpl: TEST_TPL,
      data: log('{"ts": 123, "level": "INFO", "msg": "template message"}'),
      want: 'pod1 container1 [1970-01-01T00:02:03Z] INFO template message',
    },
    {
      name: 'template-file-json-log-ts-str',
      tpl: TEST_TPL,
      data: log('{"ts": "1970-01-01T01:02:03+01:00", "level": "INFO", "msg": "template message"}'),
      want: 'pod1 container1 [1970-01-01T00:02:03Z] INFO template message',
    },
    {
      name: 'template-to-timestamp-with-timezone',
      tpl: '{{ toTimestamp .Message "Jan 02 2006 15:04 MST" "US/Eastern" }}',
      data: log('2024-01-01T05:00:00'),
      want: 'Jan 01 2024 00:00 EST',
    },
    {
      name: 'template-to-timestamp-without-timezone',
      tpl: '{{ toTimestamp .Message "Jan 02 2006 15:04 MST" }}',
      data: log('2024-01-01T05:00:00'),
      want: 'Jan 01 2024 05:00 UTC',
    },
    {
      name: 'labels and annotations',
      tpl: '{{.Labels.app}} {{.Labels.env}} {{.Annotations.version}} {{index .Labels "app"}}',
      data: log('m', LABELLED),
      want: 'nginx prod 1.23.4 nginx',
    },
    {
      name: 'json .Labels',
      tpl: '{{json .Labels}}',
      data: log('m', LABELLED),
      want: '{"app":"nginx","env":"prod"}',
    },
    {
      name: 'missing keys give <no value>',
      tpl: '{{.Labels.missing}} {{.Annotations.missing}} {{.Labels.app}}',
      data: log('m', LABELLED),
      want: '<no value> <no value> nginx',
    },
    {
      name: 'nil labels: missing key, print, len',
      tpl: '{{.Labels.app}} {{.Labels}} {{len .Labels}} {{json .Labels}} {{if .Labels}}y{{else}}n{{end}}',
      data: log('m'),
      want: '<no value> map[] 0 null n',
    },
    {
      name: 'index with @t (issue #245)',
      tpl: '{{ $d := parseJSON .Message }}{{ index $d "@t" }} {{ index $d "@m" }}',
      data: log('{"@t":"2024-01-01T00:00:00Z","@m":"hello"}'),
      want: '2024-01-01T00:00:00Z hello',
    },
    {
      name: 'extractJSONParts',
      tpl: '{{ extractJSONParts .Message "level" "msg" "nope" }}',
      data: log('{"level":"info","msg":"hi","n":1}'),
      want: 'info, hi, <nil>',
    },
    {
      name: 'extractJSONParts formats values with %v',
      tpl: '{{ extractJSONParts .Message "n" "o" "a" "big" }}',
      data: log('{"n":1.5,"o":{"b":2,"a":true},"a":[1,"x"],"big":1700000000}'),
      want: '1.5, map[a:true b:2], [1 x], 1.7e+09',
    },
    {
      name: 'tryExtractJSONParts returns the text on failure',
      tpl: '{{ tryExtractJSONParts .Message "msg" }}',
      data: log('not json'),
      want: 'not json',
    },
    {
      name: 'tryExtractJSONParts',
      tpl: '{{ tryExtractJSONParts .Message "msg" }}',
      data: log('{"msg":"ok"}'),
      want: 'ok',
    },
    {
      name: 'prettyJSON of a string',
      tpl: '{{ prettyJSON .Message }}',
      data: log('{"b":[1,{}],"a":"<x>","c":{}}'),
      want: '{\n  "a": "\\u003cx\\u003e",\n  "b": [\n    1,\n    {}\n  ],\n  "c": {}\n}',
    },
    {
      name: 'prettyJSON of a parsed map and of non-JSON',
      tpl: '{{ prettyJSON (parseJSON .Message) }}|{{ prettyJSON "nope" }}|{{ prettyJSON .Labels }}',
      data: log('{"a":1}', LABELLED),
      want: '{\n  "a": 1\n}|nope|map[app:nginx env:prod]',
    },
    {
      name: 'parseJSON numbers are float64, tryParseJSON numbers json.Number',
      tpl: '{{ (parseJSON .Message).n }} {{ (tryParseJSON .Message).n }} {{ (parseJSON .Message).f }} {{ (tryParseJSON .Message).f }}',
      data: log('{"n":1700000000,"f":1.50}'),
      want: '1.7e+09 1700000000 1.5 1.50',
    },
    {
      name: 'tryParseJSON gives nil on failure (usable with with)',
      tpl: '{{ with tryParseJSON .Message }}json{{ else }}text{{ end }} {{ tryParseJSON .Message }}',
      data: log('{"broken"'),
      want: 'text map[]',
    },
    {
      name: 'tryParseJSON ignores trailing data after the first value',
      tpl: '{{ (tryParseJSON .Message).a }}',
      data: log('{"a":"x"} trailing'),
      want: 'x',
    },
    {
      name: 'toUTC prints as time.Time',
      tpl: '{{ toUTC "1136171045.5" }}|{{ toUTC "nope" }}',
      data: log('m'),
      want: '2006-01-02 03:04:05.5 +0000 UTC|0001-01-01 00:00:00 +0000 UTC',
    },
    {
      name: 'toRFC3339Nano of strings, json.Number, ints',
      tpl: '{{ toRFC3339Nano "1136171045.000000001" }} {{ toRFC3339Nano (tryParseJSON .Message).ts }} {{ toRFC3339Nano 1136171045 }} {{ toRFC3339Nano 1.5 }}',
      data: log('{"ts":1136171045.25}'),
      want: '2006-01-02T03:04:05.000000001Z 2006-01-02T03:04:05.25Z 2006-01-02T03:04:05Z 0001-01-01T00:00:00Z',
    },
    {
      name: 'toTimestamp with Go layouts',
      tpl: '{{ toTimestamp .Message "2006-01-02T15:04:05.000000000Z07:00" "Asia/Tokyo" }} {{ toTimestamp .Message "01-02 15:04:05" "" }} {{ toTimestamp .Message "Mon Jan _2 3:04:05.000 PM -0700" "America/New_York" }}',
      data: log('2021-06-20T08:20:30.331385Z'),
      want: '2021-06-20T17:20:30.331385000+09:00 06-20 08:20:30 Sun Jun 20 4:20:30.331 AM -0400',
    },
    {
      name: 'toTimestamp abbreviations from tzdata',
      tpl: '{{ toTimestamp .Message "MST" "Asia/Tokyo" }} {{ toTimestamp .Message "MST" "Europe/Berlin" }} {{ toTimestamp .Message "MST" "Asia/Dubai" }} {{ toTimestamp "1720000000" "MST -07:00" "Europe/Berlin" }}',
      data: log('1704067200'),
      want: 'JST CET +04 CEST +02:00',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(render(c.tpl, c.data), c.want));
});

describe('stern templates with colour', () => {
  const cases: { name: string; tpl: string; data: LogData; want: string }[] = [
    {
      name: 'default output (§3.3 example: my-pod is red, my-container in its pair)',
      tpl: `${DEFAULT}\n`,
      data: log('hello', {
        PodName: 'my-pod',
        ContainerName: 'my-container',
        PodColor: { params: '91' },
        ContainerColor: { params: '31' },
      }),
      want: '\x1b[91mmy-pod\x1b[0m \x1b[31mmy-container\x1b[0m hello\n',
    },
    {
      name: 'multi-attribute colours reset per attribute',
      tpl: '{{color .PodColor .PodName}}',
      data: log('m', { PodColor: { params: '31;1' } }),
      want: '\x1b[31;1mpod1\x1b[0;22m',
    },
    {
      name: 'colorCustom "Hi" 3 96 is italic hi-cyan',
      tpl: '{{colorCustom "Hi" 3 96}}',
      data: log('m'),
      want: '\x1b[3;96mHi\x1b[23;0m',
    },
    {
      name: 'colorBlack..colorWhite are 30..37',
      tpl: '{{colorBlack "k"}}{{colorRed "r"}}{{colorGreen "g"}}{{colorYellow "y"}}{{colorBlue "b"}}{{colorMagenta "m"}}{{colorCyan "c"}}{{colorWhite "w"}}',
      data: log('m'),
      want: '\x1b[30mk\x1b[0m\x1b[31mr\x1b[0m\x1b[32mg\x1b[0m\x1b[33my\x1b[0m\x1b[34mb\x1b[0m\x1b[35mm\x1b[0m\x1b[36mc\x1b[0m\x1b[37mw\x1b[0m',
    },
    {
      name: 'colorX take a format and arguments (fatih RedString)',
      tpl: '{{colorRed "%d%%" 5}} {{colorRed "100%"}}',
      data: log('m'),
      want: '\x1b[31m5%\x1b[0m \x1b[31m100%\x1b[0m',
    },
    {
      name: 'the test.tpl with colour',
      tpl: TEST_TPL,
      data: log('{"ts": 123, "level": "warn", "msg": "m"}'),
      want: '\x1b[31mpod1\x1b[0m \x1b[34mcontainer1\x1b[0m [\x1b[32m1970-01-01T00:02:03Z\x1b[0m] \x1b[33mwarn\x1b[0m m',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(render(c.tpl, c.data, true), c.want));

  it('colour functions return plain text without colour', () => {
    assert.equal(
      render(
        '{{colorCustom "Hi" 3 96}} {{colorRed "x"}} {{levelColor "error"}} {{bunyanLevelColor 30.0}}',
        log('m'),
      ),
      'Hi x error 30',
    );
  });
});

describe('levelColor and bunyanLevelColor', () => {
  const level: [string, string][] = [
    ['"debug"', '\x1b[35mdebug\x1b[0m'],
    ['"INFO"', '\x1b[34mINFO\x1b[0m'],
    ['"warn"', '\x1b[33mwarn\x1b[0m'],
    ['"Warning"', '\x1b[33mWarning\x1b[0m'],
    ['"error"', '\x1b[31merror\x1b[0m'],
    ['"dpanic"', '\x1b[31mdpanic\x1b[0m'],
    ['"panic"', '\x1b[31mpanic\x1b[0m'],
    ['"fatal"', '\x1b[36mfatal\x1b[0m'],
    ['"CRITICAL"', '\x1b[36mCRITICAL\x1b[0m'],
    ['"trace"', 'trace'],
    ['3', ''],
    ['nil', ''],
    ['.Labels.missing', ''],
  ];
  for (const [arg, want] of level) {
    it(`levelColor ${arg}`, () => assert.equal(render(`{{levelColor ${arg}}}`, log('m'), true), want));
  }
  // bunyan levels via tryParseJSON (json.Number) and parseJSON (float64)
  const bunyan: [string, string][] = [
    ['10', '\x1b[35m10\x1b[0m'],
    ['29', '\x1b[35m29\x1b[0m'],
    ['30', '\x1b[34m30\x1b[0m'],
    ['40', '\x1b[33m40\x1b[0m'],
    ['50', '\x1b[31m50\x1b[0m'],
    ['60', '\x1b[36m60\x1b[0m'],
    ['99', '\x1b[36m99\x1b[0m'],
    ['100', '100'],
    ['"30"', ''],
  ];
  for (const [lv, want] of bunyan) {
    it(`bunyanLevelColor ${lv}`, () => {
      const data = log(`{"level":${lv}}`);
      assert.equal(render('{{bunyanLevelColor (tryParseJSON .Message).level}}', data, true), want);
      assert.equal(render('{{bunyanLevelColor (parseJSON .Message).level}}', data, true), want);
    });
  }
  it('bunyanLevelColor: json.Number that is not an int gives "", float64 truncates', () => {
    const data = log('{"level":30.5}');
    assert.equal(render('{{bunyanLevelColor (tryParseJSON .Message).level}}', data, true), '');
    assert.equal(render('{{bunyanLevelColor (parseJSON .Message).level}}', data, true), '\x1b[34m30\x1b[0m');
  });
});

describe('errors', () => {
  it('invalid template: parse error with position', () => {
    assert.throws(() => compileTemplate('{{invalid', { color: false }), TemplateError);
    assert.throws(
      () => compileTemplate('{{.Message}} {{ nope .Message }}', { color: false }),
      (e: Error) =>
        e instanceof TemplateError && e.message === 'template: kstern:1:16: function "nope" not defined',
    );
    assert.throws(
      () => compileTemplate('a\n{{ "x" } }}', { color: false, name: 'log' }),
      (e: Error) => e.message === 'template: log:2:7: unexpected "}" in operand',
    );
  });
  it('exec error: parseJSON of a non-JSON message', () => {
    const t = compileTemplate('{{ parseJSON .Message }}', { color: false });
    assert.throws(
      () => t.execute(log('hello')),
      (e: Error) =>
        e instanceof ExecError &&
        e.message ===
          `template: kstern:1:3: executing "kstern" at <parseJSON .Message>: error calling parseJSON: invalid character 'h' looking for beginning of value`,
    );
    // the template stays usable
    assert.equal(t.execute(log('{"a":1}')), 'map[a:1]');
  });
  it('exec error: toTimestamp with an unknown zone or unparsable time', () => {
    assert.throws(
      () => render('{{ toTimestamp .Message "15:04" "Mars/Olympus" }}', log('1')),
      /error calling toTimestamp: unknown time zone Mars\/Olympus$/,
    );
    assert.throws(
      () => render('{{ toTimestamp .Message "15:04" }}', log('abc')),
      /error calling toTimestamp: unable to parse date: abc$/,
    );
  });
  it('exec error: field of the Log struct that does not exist', () => {
    assert.throws(
      () => render('{{ .Nope }}', log('m')),
      (e: Error) =>
        e.message ===
        'template: kstern:1:3: executing "kstern" at <.Nope>: can\'t evaluate field Nope in type stern.Log',
    );
  });
});

describe('jsonMarshal / logToJSON (-o json)', () => {
  it('logToJSON keeps the struct key order', () => {
    assert.equal(
      logToJSON(log('json message', { ...LABELLED, Timestamp: 'ts' })),
      '{"message":"json message","timestamp":"ts","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":{"app":"nginx","env":"prod"},"annotations":{"version":"1.23.4"}}',
    );
    assert.equal(jsonMarshal(log('x')), logToJSON(log('x')));
  });
  const cases: [string, unknown, string][] = [
    ['sorted keys', { b: 1, a: { d: [], c: {} } }, '{"a":{"c":{},"d":[]},"b":1}'],
    ['html escapes', '<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
    ['control characters', '\b\f\n\r\t\u0001\u001f\u007f', '"\\b\\f\\n\\r\\t\\u0001\\u001f\u007f"'],
    ['line separators', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['invalid UTF-16 becomes U+FFFD', 'a\ud800b\udc00', '"a\\ufffdb\\ufffd"'],
    ['astral characters', '😀é', '"😀é"'],
    [
      'floats',
      [1, 1.5, 1e20, 1e21, 1.5e21, 1e-6, 1e-7, 1.2e-10, -0, 100],
      '[1,1.5,100000000000000000000,1e+21,1.5e+21,0.000001,1e-7,1.2e-10,-0,100]',
    ],
    ['ints', [1n, -5n], '[1,-5]'],
    ['null', [null, undefined], '[null,null]'],
  ];
  for (const [name, v, want] of cases) it(name, () => assert.equal(jsonMarshal(v), want));
  it('NaN is an error', () => assert.throws(() => jsonMarshal(Number.NaN), /json: unsupported value: NaN/));
});

describe("kstern's .Context field (several --context)", () => {
  it('is the context when set, empty otherwise; {{json .}} stays stern-shaped', () => {
    const t = compileTemplate('{{.Context}}|{{.PodName}}', { color: false, localZone: 'UTC' });
    assert.equal(t.execute(log('m', { Context: 'kind-a' })), 'kind-a|pod1');
    assert.equal(t.execute(log('m')), '|pod1');
  });
});
