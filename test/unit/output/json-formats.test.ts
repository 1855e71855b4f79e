import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  extjson,
  extjsonLine,
  goJSON,
  goJSONString,
  jsonLine,
  type LogData,
  rawLine,
} from '../../../src/output/json-formats.ts';

const base: LogData = {
  message: 'json message',
  nodeName: 'node1',
  namespace: 'ns1',
  podName: 'pod1',
  containerName: 'container1',
  labels: { env: 'prod', app: 'nginx' },
  annotations: { version: '1.23.4' },
};

describe('rawLine', () => {
  const cases: [Pick<LogData, 'message' | 'timestamp'>, string][] = [
    [{ message: 'raw message' }, 'raw message\n'],
    [{ message: 'raw message', timestamp: '' }, 'raw message\n'],
    [{ message: 'raw message', timestamp: '06-20 17:20:30' }, '06-20 17:20:30 raw message\n'],
    [{ message: '' }, '\n'],
  ];
  for (const [data, want] of cases) it(JSON.stringify(want), () => assert.equal(rawLine(data), want));
});

describe('jsonLine', () => {
  const cases: [string, LogData, string][] = [
    [
      'stern cmd_test example (labels sorted)',
      base,
      '{"message":"json message","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":{"app":"nginx","env":"prod"},"annotations":{"version":"1.23.4"}}\n',
    ],
    [
      'timestamp after message when set',
      { ...base, timestamp: '2021-06-20T17:20:30.331385000+09:00' },
      '{"message":"json message","timestamp":"2021-06-20T17:20:30.331385000+09:00","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":{"app":"nginx","env":"prod"},"annotations":{"version":"1.23.4"}}\n',
    ],
    [
      'no maps: null; empty timestamp omitted',
      { ...base, timestamp: '', labels: undefined, annotations: null },
      '{"message":"json message","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":null,"annotations":null}\n',
    ],
    [
      'empty maps stay {}',
      { ...base, labels: {}, annotations: {} },
      '{"message":"json message","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":{},"annotations":{}}\n',
    ],
    [
      'HTML-safe escapes in the message',
      { ...base, message: '<a href="x">&</a>', labels: null, annotations: null },
      '{"message":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e","nodeName":"node1","namespace":"ns1","podName":"pod1","containerName":"container1","labels":null,"annotations":null}\n',
    ],
  ];
  for (const [name, data, want] of cases) it(name, () => assert.equal(jsonLine(data), want));
  it('is valid JSON with the same values', () => {
    const data = { ...base, message: 'a\u2028b\x00<>&"\\\t😀' };
    assert.deepEqual(JSON.parse(jsonLine(data)), { ...data });
  });
});

describe('extjsonLine (stern TestOptionsGenerateTemplate and the fixes)', () => {
  const d = (message: string) => ({
    message,
    namespace: 'ns1',
    podName: 'pod1',
    containerName: 'container1',
  });
  const cases: [string, string, Parameters<typeof extjsonLine>[1], string][] = [
    [
      'extjson',
      '{"msg":"extjson message"}',
      { pretty: false, namespace: false },
      '{"pod": "pod1", "container": "container1", "message": {"msg":"extjson message"}}\n',
    ],
    [
      'ppextjson',
      '{"msg":"ppextjson message"}',
      { pretty: true, namespace: false },
      '{\n  "pod": "pod1",\n  "container": "container1",\n  "message": {"msg":"ppextjson message"}\n}\n',
    ],
    [
      'extjson -A: namespace first',
      '{"msg":"extjson message"}',
      { pretty: false, namespace: true },
      '{"namespace": "ns1", "pod": "pod1", "container": "container1", "message": {"msg":"extjson message"}}\n',
    ],
    [
      'ppextjson -A',
      '{"msg":"m"}',
      { pretty: true, namespace: true },
      '{\n  "namespace": "ns1",\n  "pod": "pod1",\n  "container": "container1",\n  "message": {"msg":"m"}\n}\n',
    ],
    [
      'not JSON: a quoted string',
      'plain <text>',
      { pretty: false, namespace: false },
      '{"pod": "pod1", "container": "container1", "message": "plain \\u003ctext\\u003e"}\n',
    ],
    [
      'with --timestamps: after container',
      '{"msg":"m"}',
      { pretty: false, namespace: false, timestamp: '06-20 17:20:30' },
      '{"pod": "pod1", "container": "container1", "timestamp": "06-20 17:20:30", "message": {"msg":"m"}}\n',
    ],
    [
      'ppextjson with -A and --timestamps',
      'x',
      { pretty: true, namespace: true, timestamp: '2021-06-20T08:20:30.331385000Z' },
      '{\n  "namespace": "ns1",\n  "pod": "pod1",\n  "container": "container1",\n  "timestamp": "2021-06-20T08:20:30.331385000Z",\n  "message": "x"\n}\n',
    ],
  ];
  for (const [name, message, o, want] of cases)
    it(name, () => assert.equal(extjsonLine(d(message), o), want));

  it('pod and container values are escaped, never coloured', () => {
    const line = extjsonLine(
      { message: '1', namespace: 'n', podName: 'p"1', containerName: 'c\\2' },
      { pretty: false, namespace: false },
    );
    assert.equal(line, '{"pod": "p\\"1", "container": "c\\\\2", "message": 1}\n');
    assert.deepEqual(JSON.parse(line), { pod: 'p"1', container: 'c\\2', message: 1 });
  });
});

describe('extjson (the template function)', () => {
  const cases: [string, string][] = [
    ['{"a":1}', '{"a":1}'],
    ['{"a":1}\n', '{"a":1}'], // one trailing newline trimmed
    ['  [1, 2] ', '  [1, 2] '], // valid with whitespace: as is
    ['123', '123'],
    ['true', 'true'],
    ['null', 'null'],
    ['"quoted"', '"quoted"'],
    ['{"a":1', '"{\\"a\\":1"'],
    ['hello', '"hello"'],
    ['', '""'],
    ['nulls', '"nulls"'],
    ['01', '"01"'],
    ['{"a":1} x', '"{\\"a\\":1} x"'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(extjson(input), want));
});

describe('goJSONString (Go encoding/json)', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['<>&', '"\\u003c\\u003e\\u0026"'],
    ['"\\', '"\\"\\\\"'],
    ['\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['\x00\x01\x1f\x7f', '"\\u0000\\u0001\\u001f\x7f"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['é😀', '"é😀"'], // valid UTF-8 as is
    ['a\ud800b', '"a\\ufffdb"'], // a lone surrogate (invalid UTF-8) → U+FFFD
    ['\udc00', '"\\ufffd"'],
    ['😀\ud83d', '"😀\\ufffd"'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(goJSONString(input), want));
});

describe('goJSON', () => {
  const cases: [string, unknown, string][] = [
    ['null', null, 'null'],
    ['undefined is null', undefined, 'null'],
    ['booleans', [true, false], '[true,false]'],
    ['numbers as Go writes float64', [1, -0.5, 1e21, 1e-7, 123456789012], '[1,-0.5,1e+21,1e-7,123456789012]'],
    ['map keys sorted', { b: 1, a: { d: [], c: 'x' } }, '{"a":{"c":"x","d":[]},"b":1}'],
    ['keys in code point order', { '\uff01': 1, '😀': 2, z: 3 }, '{"z":3,"！":1,"😀":2}'],
    ['keys escaped', { '<k>': 'v' }, '{"\\u003ck\\u003e":"v"}'],
  ];
  for (const [name, v, want] of cases) it(name, () => assert.equal(goJSON(v), want));
  it('rejects NaN like Go', () => assert.throws(() => goJSON(Number.NaN), /unsupported value: NaN/));
});
