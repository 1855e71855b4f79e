import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseGoDuration,
  parseGoDurationNs,
  parseUserDuration,
  sinceSecondsFor,
} from '../../../src/config/duration.ts';

const ns = 1n;
const us = 1000n * ns;
const msec = 1000n * us;
const sec = 1000n * msec;
const min = 60n * sec;
const hour = 60n * min;

describe('parseGoDurationNs: Go parseDurationTests', () => {
  const cases: [string, bigint][] = [
    // simple
    ['0', 0n],
    ['5s', 5n * sec],
    ['30s', 30n * sec],
    ['1478s', 1478n * sec],
    // sign
    ['-5s', -5n * sec],
    ['+5s', 5n * sec],
    ['-0', 0n],
    ['+0', 0n],
    // decimal
    ['5.0s', 5n * sec],
    ['5.6s', 5n * sec + 600n * msec],
    ['5.s', 5n * sec],
    ['.5s', 500n * msec],
    ['1.0s', sec],
    ['1.00s', sec],
    ['1.004s', sec + 4n * msec],
    ['1.0040s', sec + 4n * msec],
    ['100.00100s', 100n * sec + msec],
    // different units
    ['10ns', 10n * ns],
    ['11us', 11n * us],
    ['12µs', 12n * us], // U+00B5
    ['12μs', 12n * us], // U+03BC
    ['13ms', 13n * msec],
    ['14s', 14n * sec],
    ['15m', 15n * min],
    ['16h', 16n * hour],
    // composite durations
    ['3h30m', 3n * hour + 30n * min],
    ['10.5s4m', 4n * min + 10n * sec + 500n * msec],
    ['-2m3.4s', -(2n * min + 3n * sec + 400n * msec)],
    ['1h2m3s4ms5us6ns', hour + 2n * min + 3n * sec + 4n * msec + 5n * us + 6n * ns],
    ['39h9m14.425s', 39n * hour + 9n * min + 14n * sec + 425n * msec],
    // large value
    ['52763797000ns', 52763797000n],
    // more than 9 digits after decimal point
    ['0.3333333333333333333h', 20n * min],
    // 1<<53+1 cannot be stored precisely in a float64
    ['9007199254740993ns', (1n << 53n) + 1n],
    // largest duration that can be represented by int64 in nanoseconds
    ['9223372036854775807ns', (1n << 63n) - 1n],
    ['9223372036854775.807us', (1n << 63n) - 1n],
    ['9223372036s854ms775us807ns', (1n << 63n) - 1n],
    ['-9223372036854775808ns', -(1n << 63n)],
    ['-9223372036854775.808us', -(1n << 63n)],
    ['-9223372036s854ms775us808ns', -(1n << 63n)],
    // largest negative round trip value
    ['-2562047h47m16.854775808s', -(1n << 63n)],
    // huge string
    ['0.100000000000000000000h', 6n * min],
    // the first overflow check in leadingFraction
    ['0.830103483285477580700h', 49n * min + 48n * sec + 372539827n],
    // the brief's own examples
    ['300ms', 300n * msec],
    ['1.5h', 90n * min],
    ['2h45m', 2n * hour + 45n * min],
    ['-1.5h', -90n * min],
    ['1h30m10s', hour + 30n * min + 10n * sec],
    ['10µs', 10n * us],
  ];
  for (const [input, want] of cases) it(input, () => assert.equal(parseGoDurationNs(input), want));
});

describe('parseGoDurationNs: Go parseDurationErrorTests', () => {
  const invalid = (s: string, quoted = JSON.stringify(s)) => [s, `time: invalid duration ${quoted}`] as const;
  const cases: (readonly [string, string])[] = [
    invalid(''),
    ['3', 'time: missing unit in duration "3"'],
    invalid('-'),
    invalid('s'),
    invalid('.'),
    invalid('-.'),
    invalid('.s'),
    invalid('+.s'),
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['\uFFFD', 'time: invalid duration "\\xef\\xbf\\xbd"'],
    ['\uFFFD hello \uFFFD world', 'time: invalid duration "\\xef\\xbf\\xbd hello \\xef\\xbf\\xbd world"'],
    ['1\u00b5', 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"'],
    ['1"s"', 'time: unknown unit "\\"s\\"" in duration "1\\"s\\""'],
    // overflow
    invalid('9223372036854775810ns'),
    invalid('9223372036854775808ns'),
    invalid('-9223372036854775809ns'),
    invalid('9223372036854776us'),
    invalid('3000000h'),
    invalid('9223372036854775.808us'),
    invalid('9223372036854ms775us808ns'),
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => assert.throws(() => parseGoDurationNs(input), { message }));
  }
});

describe('parseGoDuration (milliseconds)', () => {
  const cases: [string, number][] = [
    ['300ms', 300],
    ['1.5h', 5_400_000],
    ['-1.5h', -5_400_000],
    ['2h45m', 9_900_000],
    ['1h30m10s', 5_410_000],
    ['10us', 0.01],
    ['5ns', 0.000005],
    ['0', 0],
  ];
  for (const [input, want] of cases) it(input, () => assert.equal(parseGoDuration(input), want));
});

describe('parseUserDuration (--since): Go syntax, or a number and a unit as ms reads them', () => {
  const H = 3_600_000;
  const cases: [string, number][] = [
    // Go's syntax, exactly as Go reads it
    ['15m', 15 * 60_000],
    ['1h30m', 1.5 * H],
    ['1.5h', 1.5 * H],
    ['300ms', 300],
    ['0', 0],
    // what people type and Go rejects
    ['2d', 48 * H],
    ['2 days', 48 * H],
    ['1 day', 24 * H],
    ['.5d', 12 * H],
    ['1.5 hours', 1.5 * H],
    ['90 mins', 1.5 * H],
    ['1w', 7 * 24 * H],
    ['1 week', 7 * 24 * H],
    ['2H', 2 * H],
    [' 2d ', 48 * H],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.equal(parseUserDuration(input), want));
  }
  const bad: [string, string][] = [
    ['10', 'time: missing unit in duration "10"'], // not 10 ms, as ms alone would read it
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['5 parsecs', 'time: unknown unit " parsecs" in duration "5 parsecs"'],
    ['2 days 3 hours', 'time: unknown unit " days " in duration "2 days 3 hours"'],
    ['yesterday', 'time: invalid duration "yesterday"'],
    ['', 'time: invalid duration ""'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)} with Go's error`, () =>
      assert.throws(() => parseUserDuration(input), { message }));
  }
});

describe('sinceSecondsFor', () => {
  const cases: [number, number | undefined][] = [
    [0, undefined], // no limit: no sinceSeconds is sent
    [-1000, undefined],
    [0.000005, 1], // 5ns: under a second rounds up, never sinceSeconds=0
    [300, 1],
    [999.999, 1],
    [1000, 1],
    [1001, 2],
    [1500, 2],
    [48 * 3_600_000, 172_800],
  ];
  for (const [ms, want] of cases) it(`${ms} ms → ${want}`, () => assert.equal(sinceSecondsFor(ms), want));
});
