// toTimeE (cmd/helper_test.go TestToTimeE), Go time layouts, the Go JSON decoder's errors and fmt's floats.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloat, sprintf } from '../src/fmt.ts';
import { toTimeE } from '../src/funcs.ts';
import { GoTime, loadLocation, localLocationFor, UTC } from '../src/gotime.ts';
import { jsonValid, unmarshalMap } from '../src/json.ts';
import { JsonNumber } from '../src/values.ts';

process.env['TZ'] = 'UTC';

const BASE = 1136171045; // 2006-01-02T03:04:05Z

describe('toTimeE (stern cmd/helper_test.go)', () => {
  const ok: [string, unknown, number, number][] = [
    ['"1136171045"', '1136171045', BASE, 0],
    ['"1136171045.0"', '1136171045.0', BASE, 0],
    ['"1136171045.1"', '1136171045.1', BASE, 1e8],
    ['json.Number("1136171045.1")', new JsonNumber('1136171045.1'), BASE, 1e8],
    ['"1136171056.02"', '1136171056.02', BASE + 11, 2e7],
    ['"1136171045.000000001"', '1136171045.000000001', BASE, 1],
    ['"1136171045.123456789"', '1136171045.123456789', BASE, 123456789],
    ['"1136171045.12345678912345"', '1136171045.12345678912345', BASE, 123456789],
    ['1136171045 (int)', 1136171045n, BASE, 0],
    ['"2006-01-02T03:04:05.123456789" (no zone = UTC)', '2006-01-02T03:04:05.123456789', BASE, 123456789],
    ['RFC3339 with offset', '2006-01-02T04:04:05+01:00', BASE, 0],
    ['RFC3339Nano', '2006-01-02T03:04:05.5Z', BASE, 5e8],
    ['"2006-01-02 03:04:05"', '2006-01-02 03:04:05', BASE, 0],
    ['"2006-01-02"', '2006-01-02', BASE - 3 * 3600 - 4 * 60 - 5, 0],
    ['RFC1123', 'Mon, 02 Jan 2006 03:04:05 UTC', BASE, 0],
    ['RFC1123 with a named zone keeps the wall clock in UTC', 'Mon, 02 Jan 2006 03:04:05 EST', BASE, 0],
    ['RFC1123Z', 'Mon, 02 Jan 2006 04:04:05 +0100', BASE, 0],
    ['Time.String() form', '2006-01-02 03:04:05.25 +0000 UTC', BASE, 25e7],
    ['time.Time passes through', new GoTime(BASE, 7, UTC), BASE, 7],
  ];
  for (const [name, arg, sec, nsec] of ok) {
    it(name, () => {
      const t = toTimeE(arg, UTC);
      assert.deepEqual([t.sec, t.nsec], [sec, nsec]);
    });
  }
  const bad: [string, unknown, string][] = [
    ['""', '', 'unable to parse date: '],
    ['"."', '.', 'unable to parse date: .'],
    ['"a.b"', 'a.b', 'unable to parse date: a.b'],
    ['"1.a"', '1.a', 'unable to parse date: 1.a'],
    ['"abc"', 'abc', 'unable to parse date: abc'],
    ['float64 (cast has no float case)', 1.5e9, 'unable to cast 1.5e+09 of type float64 to Time'],
    ['nil', undefined, 'unable to cast <nil> of type <nil> to Time'],
    ['day out of range', '2006-02-30', 'unable to parse date: 2006-02-30'],
  ];
  for (const [name, arg, msg] of bad)
    it(`error: ${name}`, () => assert.throws(() => toTimeE(arg, UTC), { message: msg }));
});

describe('Go time layouts', () => {
  const t = new GoTime(1624177230, 331385000, UTC); // 2021-06-20T08:20:30.331385Z, a Sunday
  const cases: [string, string, string][] = [
    ['2006-01-02T15:04:05.000000000Z07:00', 'Asia/Tokyo', '2021-06-20T17:20:30.331385000+09:00'],
    ['01-02 15:04:05', 'Asia/Tokyo', '06-20 17:20:30'],
    ['2006-01-02T15:04:05.999999999Z07:00', 'UTC', '2021-06-20T08:20:30.331385Z'],
    ['Mon Monday Jan January 1 01 2 02 _2 06 2006', 'UTC', 'Sun Sunday Jun June 6 06 20 20 20 21 2021'],
    ['3 03 15 4 04 5 05 PM pm', 'UTC', '8 08 08 20 20 30 30 AM am'],
    ['.000 .999 ,000000 .9', 'UTC', '.331 .331 ,331385 .3'],
    ['-0700 -07:00 -07 Z0700 Z07:00 MST', 'America/New_York', '-0400 -04:00 -04 -0400 -04:00 EDT'],
    ['Z07:00 MST', 'UTC', 'Z UTC'],
    ['002 __2', 'UTC', '171 171'],
    ['Jan _2', 'UTC', 'Jun 20'],
    ['literal text: 1a', 'UTC', 'literal text: 6a'],
  ];
  for (const [layout, zone, want] of cases) {
    it(`${layout} in ${zone}`, () => assert.equal(t.in(loadLocation(zone, UTC)).format(layout), want));
  }
  it('zero time', () => assert.equal(GoTime.zero().toString(), '0001-01-01 00:00:00 +0000 UTC'));
  it('_2 pads single-digit days with a space', () =>
    assert.equal(new GoTime(1704067200, 0, UTC).format('Jan _2 2006'), 'Jan  1 2024'));
  it('LoadLocation errors like Go', () => {
    assert.throws(() => loadLocation('Mars/Olympus', UTC), { message: 'unknown time zone Mars/Olympus' });
    assert.throws(() => loadLocation('../etc/passwd', UTC), { message: 'time: invalid location name' });
    assert.equal(loadLocation('', UTC), UTC);
    assert.equal(loadLocation('UTC', UTC), UTC);
    const tokyo = localLocationFor('Asia/Tokyo');
    assert.equal(
      loadLocation('Local', tokyo),
      tokyo,
      'Local is the zone the run passed in, not process.env.TZ',
    );
    assert.equal(new GoTime(0, 0, UTC).in(tokyo).format('15:04 MST'), '09:00 JST');
  });
});

describe('JSON decoding errors (encoding/json messages)', () => {
  const errs: [string, string][] = [
    ['hello', "invalid character 'h' looking for beginning of value"],
    ['', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":"x\ny"}', "invalid character '\\n' in string literal"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ['{"a":-}', "invalid character '}' in numeric literal"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['{"a":1e400}', 'json: cannot unmarshal number 1e400 into Go value of type float64'],
  ];
  for (const [text, msg] of errs)
    it(JSON.stringify(text), () => assert.throws(() => unmarshalMap(text), { message: msg }));
  it('decodes values', () => {
    const m = unmarshalMap(
      ' {"a":[1,"x",null,true,{"b":-1.5e2}],"__proto__":"p","u":"\\u00e9\\ud83d\\ude00"} ',
    );
    assert.equal(JSON.stringify(m), '{"a":[1,"x",null,true,{"b":-150}],"__proto__":"p","u":"é😀"}');
    assert.equal(unmarshalMap('null'), null);
  });
  it('json.Valid', () => {
    assert.equal(jsonValid('{"a":[1,2]}\n'), true);
    assert.equal(jsonValid('"x"'), true);
    assert.equal(jsonValid('plain text'), false);
    assert.equal(jsonValid('{} {}'), false);
  });
});

describe('fmt floats', () => {
  const cases: [number, 'e' | 'f' | 'g', number, string][] = [
    [123, 'g', -1, '123'],
    [1e6, 'g', -1, '1e+06'],
    [999999, 'g', -1, '999999'],
    [1e21, 'g', -1, '1e+21'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [-2.5, 'g', -1, '-2.5'],
    [0, 'g', -1, '0'],
    [0, 'e', 2, '0.00e+00'],
    [1 / 3, 'f', 4, '0.3333'],
    [1e22, 'f', 1, '10000000000000000000000.0'],
    [2.5, 'f', 0, '2'],
    [3.5, 'f', 0, '4'],
    [9.99, 'f', 1, '10.0'],
    [123456789, 'e', 3, '1.235e+08'],
    [5e-324, 'e', -1, '5e-324'],
    [100, 'g', 2, '1e+02'],
    [Number.POSITIVE_INFINITY, 'g', -1, '+Inf'],
    [Number.NaN, 'f', 2, 'NaN'],
  ];
  for (const [x, f, p, want] of cases)
    it(`${x} %${f} prec ${p}`, () => assert.equal(formatFloat(x, f, p), want));
  it('Sprintf misc', () => {
    assert.equal(
      sprintf('%6.2f|%-8.3e|%+.1f|% d|%*d|%.3s|%q', [3.14259, 1234.5, 2.0, 5n, 4n, 7n, 'héllo', 'é\x01']),
      '  3.14|1.234e+03|+2.0| 5|   7|hél|"é\\x01"',
    );
    assert.equal(sprintf('%c%U %08.3f %x', [65n, 0x1f600n, -3.5, -255n]), 'AU+1F600 -003.500 -ff');
    assert.equal(sprintf('100%', []), '100%!(NOVERB)');
  });
});
