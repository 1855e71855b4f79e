import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  keyFromNs,
  nsFromKey,
  orderKey,
  parseTimestampNs,
  sinceTimeFromKey,
  splitTimestamp,
  startsWithFixedTimestamp,
  toSinceTime,
} from '../../../src/core/rfc3339.ts';

describe('splitTimestamp', () => {
  const cases: { line: string; ts: string; content: string }[] = [
    {
      line: '2023-01-01T00:00:30.000000001Z line 1',
      ts: '2023-01-01T00:00:30.000000001Z',
      content: 'line 1',
    },
    {
      line: '2021-06-20T08:20:30.331385Z hello world',
      ts: '2021-06-20T08:20:30.331385Z',
      content: 'hello world',
    },
    {
      line: '2021-08-03T01:26:29.953994922+02:00 x',
      ts: '2021-08-03T01:26:29.953994922+02:00',
      content: 'x',
    },
    { line: '2021-08-03T01:26:29Z  two spaces', ts: '2021-08-03T01:26:29Z', content: ' two spaces' },
    { line: '2021-08-03T01:26:29Z ', ts: '2021-08-03T01:26:29Z', content: '' },
    { line: 'Connection: keep-alive', ts: '', content: 'Connection: keep-alive' },
    { line: 'no-space-at-all', ts: '', content: 'no-space-at-all' },
    { line: '2021-08-03T01:26:29Z', ts: '', content: '2021-08-03T01:26:29Z' },
    { line: '', ts: '', content: '' },
    { line: ' leading space', ts: '', content: ' leading space' },
    { line: '2021-13-03T01:26:29Z bad month', ts: '', content: '2021-13-03T01:26:29Z bad month' },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.line), () => {
      const r = splitTimestamp(Buffer.from(c.line));
      assert.deepStrictEqual(
        { ts: r.timestamp, content: r.content.toString() },
        { ts: c.ts, content: c.content },
      );
    });
  }

  it('keeps content bytes as they are', () => {
    const line = Buffer.concat([Buffer.from('2021-08-03T01:26:29Z '), Buffer.from([0xff, 0x00, 0xc3])]);
    assert.deepStrictEqual(splitTimestamp(line).content, Buffer.from([0xff, 0x00, 0xc3]));
  });
});

describe('parseTimestampNs', () => {
  const cases: { ts: string; want: bigint | undefined }[] = [
    { ts: '1970-01-01T00:00:00Z', want: 0n },
    { ts: '1970-01-01T00:00:00.000000001Z', want: 1n },
    { ts: '1970-01-01T00:00:01.5Z', want: 1_500_000_000n },
    { ts: '1970-01-01T00:00:01.123456789Z', want: 1_123_456_789n },
    { ts: '2023-01-01T00:00:30.000000001Z', want: 1672531230_000000001n },
    { ts: '2023-01-01T00:00:30.000000002Z', want: 1672531230_000000002n },
    { ts: '2021-06-20T08:20:30.331385Z', want: 1624177230_331385000n },
    { ts: '2021-08-03T01:26:29.953994922+02:00', want: 1627946789_953994922n },
    { ts: '2021-08-02T23:26:29.953994922Z', want: 1627946789_953994922n },
    { ts: '2021-08-03T08:26:29.953994922+09:00', want: 1627946789_953994922n },
    { ts: '2021-08-02T18:56:29.953994922-04:30', want: 1627946789_953994922n },
    { ts: '2024-02-29T12:00:00Z', want: 1709208000_000000000n },
    { ts: '2000-03-01T00:00:00Z', want: 951868800_000000000n },
    { ts: '1969-12-31T23:59:59.5Z', want: -500_000_000n },
    { ts: '9999-12-31T23:59:59.999999999Z', want: 253402300799_999999999n },
    // invalid
    { ts: '', want: undefined },
    { ts: '2023-01-01', want: undefined },
    { ts: '2023-01-01T00:00:30', want: undefined },
    { ts: '2023-01-01 00:00:30Z', want: undefined },
    { ts: '2023-01-01T00:00:30.Z', want: undefined },
    { ts: '2023-01-01T00:00:30.1234567891Z', want: undefined },
    { ts: '2023-02-29T00:00:00Z', want: undefined },
    { ts: '2023-00-10T00:00:00Z', want: undefined },
    { ts: '2023-01-32T00:00:00Z', want: undefined },
    { ts: '2023-01-01T24:00:00Z', want: undefined },
    { ts: '2023-01-01T00:60:00Z', want: undefined },
    { ts: '2023-01-01T00:00:60Z', want: undefined },
    { ts: '2023-01-01T00:00:00+24:00', want: undefined },
    { ts: '2023-01-01T00:00:00+0200', want: undefined },
    { ts: '2023-01-01T00:00:00Zjunk', want: undefined },
    { ts: '2023-1-01T00:00:00Z', want: undefined },
    { ts: '2023-01-01T00:00:0xZ', want: undefined },
    { ts: '2222-22-22T21:20:30Z', want: undefined },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.ts)} → ${c.want}`, () => assert.equal(parseTimestampNs(c.ts), c.want));
  }

  it('agrees with Date.parse on whole milliseconds over a range of dates', () => {
    for (let ms = -5e11; ms < 4e12; ms += 7_777_777_777) {
      const iso = new Date(ms).toISOString();
      assert.equal(parseTimestampNs(iso), BigInt(ms) * 1_000_000n, iso);
    }
  });
});

describe('toSinceTime', () => {
  const cases: { ns: bigint; want: string }[] = [
    { ns: 0n, want: '1970-01-01T00:00:00Z' },
    { ns: 1624177230_331385000n, want: '2021-06-20T08:20:30Z' },
    { ns: 1672531230_999999999n, want: '2023-01-01T00:00:30Z' },
    { ns: 1672531231_000000000n, want: '2023-01-01T00:00:31Z' },
    { ns: 1709208000_000000000n, want: '2024-02-29T12:00:00Z' },
    { ns: -500_000_000n, want: '1969-12-31T23:59:59Z' },
    { ns: 253402300799_999999999n, want: '9999-12-31T23:59:59Z' },
  ];
  for (const c of cases) {
    it(`${c.ns} → ${c.want}`, () => assert.equal(toSinceTime(c.ns), c.want));
  }

  it('round-trips with parseTimestampNs on whole seconds', () => {
    for (let s = -1e10; s < 2.5e11; s += 987_654_321) {
      const ns = BigInt(s) * 1_000_000_000n;
      assert.equal(parseTimestampNs(toSinceTime(ns)), ns);
    }
  });
});

describe('timestamp scanner properties (fast-check)', () => {
  it('splitTimestamp never throws; it cuts only a valid timestamp, and the content is the rest', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          '',
          '2026-01-02T03:04:05Z ',
          '2026-01-02T03:04:05.123+01:00 ',
          '2026-02-30T03:04:05Z ',
        ),
        fc.uint8Array({ maxLength: 60 }),
        (prefix, a) => {
          const line = Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.from(a)]);
          const { timestamp, content } = splitTimestamp(line);
          if (timestamp === '') assert.ok(content.equals(line));
          else {
            assert.notEqual(parseTimestampNs(timestamp), undefined);
            assert.ok(Buffer.concat([Buffer.from(`${timestamp} `, 'latin1'), content]).equals(line));
          }
          if (prefix.startsWith('2026-01')) assert.equal(timestamp, prefix.trim());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('any instant written as RFC 3339 (any fraction length, any offset) parses back to the same nanosecond', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 253402300799n * 1_000_000_000n }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (ns, digits, offsetMin) => {
          const truncated = (ns / 10n ** BigInt(9 - digits)) * 10n ** BigInt(9 - digits);
          const shifted = truncated + BigInt(offsetMin) * 60_000_000_000n;
          if (shifted < 0n || shifted > 253402300799n * 1_000_000_000n) return;
          const secs = shifted / 1_000_000_000n;
          const frac = (shifted % 1_000_000_000n).toString().padStart(9, '0').slice(0, digits);
          const base = toSinceTime(secs * 1_000_000_000n).slice(0, -1);
          const sign = offsetMin < 0 ? '-' : '+';
          const abs = Math.abs(offsetMin);
          const zone =
            offsetMin === 0
              ? 'Z'
              : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = `${base}${digits > 0 ? `.${frac}` : ''}${zone}`;
          assert.equal(parseTimestampNs(text), truncated, text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('any string: parseTimestampNs never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        parseTimestampNs(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('order keys (the emitter compares these instead of nanoseconds)', () => {
  /** Every instant an RFC 3339 timestamp with an offset can name, years -1 and 10000 included. */
  const LO = parseTimestampNs('0000-01-01T00:00:00+23:59')!;
  const HI = parseTimestampNs('9999-12-31T23:59:59.999999999-23:59')!;

  it('sort and compare like the nanoseconds, round-trip, and give the same sinceTime', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: LO, max: HI }), fc.bigInt({ min: LO, max: HI }), (a, b) => {
        const [ka, kb] = [keyFromNs(a), keyFromNs(b)];
        assert.equal(ka < kb, a < b);
        assert.equal(ka === kb, a === b);
        assert.equal(nsFromKey(ka), a);
        assert.equal(sinceTimeFromKey(ka), toSinceTime(a));
      }),
      { numRuns: 5000 },
    );
    for (const ns of [LO, HI, 0n, -1n]) assert.equal(nsFromKey(keyFromNs(ns)), ns);
  });

  it('a fixed-width UTC timestamp is its own key; other forms convert', () => {
    const fixed = '2026-01-02T03:04:05.000000001Z';
    assert.equal(orderKey(fixed), fixed);
    assert.equal(orderKey('2026-01-02T04:04:05.000000001+01:00'), fixed);
    assert.equal(orderKey('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05.000000000Z');
  });

  it('startsWithFixedTimestamp agrees with splitTimestamp on lines of that shape', () => {
    for (const [line, want] of [
      ['2024-02-29T00:00:00.000000000Z x', true],
      ['2000-02-29T00:00:00.000000000Z x', true],
      ['2023-02-29T00:00:00.000000000Z x', false],
      ['1900-02-29T00:00:00.000000000Z x', false],
      ['2023-04-31T00:00:00.000000000Z x', false],
      ['2023-04-30T24:00:00.000000000Z x', false],
      ['2023-04-30T23:59:59.999999999Z', false],
      ['2023-04-30T23:59:59.99999999Z x', false],
    ] as const)
      assert.equal(startsWithFixedTimestamp(Buffer.from(line)), want, line);
    const digit = fc.constantFrom(...'0123456789');
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: HI }),
        fc.array(fc.oneof(digit, fc.constantFrom(...'-T:.Z +')), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 0, max: 31 }),
        (ns, noise, at) => {
          // A valid fixed-width timestamp, sometimes with a few characters overwritten.
          const chars = [...`${keyFromNs(ns)} x`];
          for (const [i, c] of noise.entries()) chars[(at + i * 7) % chars.length] = c;
          const line = Buffer.from(chars.join(''));
          const slow = splitTimestamp(line).timestamp;
          const fixedShape = slow.length === 30 && slow.endsWith('Z') && slow[19] === '.';
          assert.equal(startsWithFixedTimestamp(line), fixedShape, line.toString());
        },
      ),
      { numRuns: 5000 },
    );
  });
});
