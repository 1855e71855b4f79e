import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { civilFromDays, daysFromCivil, daysInMonth } from '../src/index.ts';

describe('civil calendar', () => {
  const rows: [y: number, m: number, d: number, days: number][] = [
    [1970, 1, 1, 0],
    [1969, 12, 31, -1],
    [2000, 2, 29, 11016],
    [2026, 12, 2, 20789],
    [1, 1, 1, -719162],
    [9999, 12, 31, 2932896],
  ];
  for (const [y, m, d, days] of rows) {
    it(`${y}-${m}-${d} is day ${days}`, () => {
      assert.equal(daysFromCivil(y, m, d), days);
      assert.deepEqual(civilFromDays(days), [y, m, d]);
    });
  }

  it('month lengths, leap years included', () => {
    assert.deepEqual(
      [
        daysInMonth(2024, 2),
        daysInMonth(2100, 2),
        daysInMonth(2000, 2),
        daysInMonth(2026, 4),
        daysInMonth(2026, 7),
      ],
      [29, 28, 29, 30, 31],
    );
  });

  it('property: every day in years 1 to 9999 round-trips, and consecutive days are consecutive', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719162, max: 2932895 }), (days) => {
        const [y, m, d] = civilFromDays(days);
        assert.equal(daysFromCivil(y, m, d), days);
        assert.ok(d >= 1 && d <= daysInMonth(y, m));
        const [y2, m2, d2] = civilFromDays(days + 1);
        assert.ok(d2 === d + 1 || (d2 === 1 && (m2 === m + 1 || (m === 12 && m2 === 1 && y2 === y + 1))));
      }),
      { numRuns: 2000 },
    );
  });
});
