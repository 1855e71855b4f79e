import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type TimestampFormat, timestampFormatter, validateTimezone } from '../../../src/output/timefmt.ts';
import { UserError } from '../../../src/util/errors.ts';

describe('validateTimezone', () => {
  for (const tz of [
    'UTC',
    'Local',
    '',
    'Asia/Tokyo',
    'America/New_York',
    'Europe/London',
    'Etc/GMT+9',
    'EST',
  ]) {
    it(`accepts ${JSON.stringify(tz)}`, () => assert.doesNotThrow(() => validateTimezone(tz)));
  }
  for (const tz of ['Foo/Bar', 'Mars', '+09:00', '-05:00', 'Z', 'Asia/Tokyo ']) {
    it(`rejects ${JSON.stringify(tz)}`, () =>
      assert.throws(
        () => validateTimezone(tz),
        (e: unknown) => e instanceof UserError && e.exitCode === 2 && e.message === `unknown time zone ${tz}`,
      ));
  }
});

describe('timestampFormatter', () => {
  // [format, zone, API timestamp, want]; the first six are stern's TestUpdateTimezoneAndFormat.
  const cases: [TimestampFormat, string, string, string | undefined][] = [
    ['default', 'Asia/Tokyo', '2021-04-18T03:54:44.764981564Z', '2021-04-18T12:54:44.764981564+09:00'],
    ['default', 'Asia/Tokyo', '2021-04-18T03:54:44.764981500Z', '2021-04-18T12:54:44.764981500+09:00'],
    ['default', 'Asia/Tokyo', '', undefined],
    ['default', 'Asia/Tokyo', '2021-08-03T01:26:29.953994922+02:00', '2021-08-03T08:26:29.953994922+09:00'],
    ['default', 'Asia/Tokyo', '2021-06-20T08:20:30.331385Z', '2021-06-20T17:20:30.331385000+09:00'],
    ['short', 'Asia/Tokyo', '2021-06-20T08:20:30.331385Z', '06-20 17:20:30'],
    // UTC: `Z`; the fraction is always 9 digits.
    ['default', 'UTC', '2021-06-20T08:20:30.331385Z', '2021-06-20T08:20:30.331385000Z'],
    ['default', '', '2021-06-20T08:20:30Z', '2021-06-20T08:20:30.000000000Z'],
    ['short', 'UTC', '2021-02-13T21:20:30.000000001Z', '02-13 21:20:30'],
    ['default', 'UTC', '2021-08-03T01:26:29.5+02:00', '2021-08-02T23:26:29.500000000Z'],
    // A zero offset prints Z in any zone (Go's Z07:00).
    ['default', 'Europe/London', '2021-01-15T10:00:00Z', '2021-01-15T10:00:00.000000000Z'],
    ['default', 'Europe/London', '2021-07-15T10:00:00Z', '2021-07-15T11:00:00.000000000+01:00'],
    // Negative and half-hour offsets, day and year changes.
    ['default', 'America/St_Johns', '2021-01-01T00:00:00Z', '2020-12-31T20:30:00.000000000-03:30'],
    ['default', 'Asia/Kathmandu', '2021-12-31T18:15:00Z', '2022-01-01T00:00:00.000000000+05:45'],
    ['short', 'America/Los_Angeles', '2024-03-01T07:59:59Z', '02-29 23:59:59'],
    // Across a DST change (the offset is looked up per minute).
    ['default', 'America/New_York', '2021-03-14T06:59:59.999999999Z', '2021-03-14T01:59:59.999999999-05:00'],
    ['default', 'America/New_York', '2021-03-14T07:00:00Z', '2021-03-14T03:00:00.000000000-04:00'],
    ['default', 'America/New_York', '2021-11-07T05:59:59Z', '2021-11-07T01:59:59.000000000-04:00'],
    ['default', 'America/New_York', '2021-11-07T06:00:00Z', '2021-11-07T01:00:00.000000000-05:00'],
    // Local mean time has seconds in its offset: Go prints the wall clock and drops them from Z07:00.
    ['default', 'Asia/Tokyo', '1800-01-01T00:00:00Z', '1800-01-01T09:18:59.000000000+09:18'],
    ['default', 'Europe/Dublin', '1900-01-01T00:00:00Z', '1899-12-31T23:34:39.000000000-00:25'],
    // Not a timestamp.
    ['default', 'UTC', 'hello', undefined],
    ['short', 'UTC', '2021-06-20 08:20:30Z', undefined],
  ];
  for (const [format, tz, ts, want] of cases) {
    it(`${format} ${tz || '""'} ${ts || '""'}`, () => assert.equal(timestampFormatter(format, tz)(ts), want));
  }

  it('Local is the given zone', () => {
    assert.equal(
      timestampFormatter('default', 'Local', 'Asia/Tokyo')('2021-06-20T08:20:30.331385Z'),
      '2021-06-20T17:20:30.331385000+09:00',
    );
    assert.equal(
      timestampFormatter('short', 'Local', 'America/New_York')('2021-06-20T08:20:30Z'),
      '06-20 04:20:30',
    );
  });

  it('one formatter renders lines of different minutes and zones correctly in any order', () => {
    const f = timestampFormatter('default', 'America/New_York');
    const seq: [string, string][] = [
      ['2021-03-14T07:00:00Z', '2021-03-14T03:00:00.000000000-04:00'],
      ['2021-03-14T06:59:00Z', '2021-03-14T01:59:00.000000000-05:00'],
      ['2021-03-14T07:00:30Z', '2021-03-14T03:00:30.000000000-04:00'],
      ['2021-03-14T06:59:59Z', '2021-03-14T01:59:59.000000000-05:00'],
    ];
    for (const [ts, want] of seq) assert.equal(f(ts), want);
  });
});
