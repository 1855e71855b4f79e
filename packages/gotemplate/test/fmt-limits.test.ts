// fmt.Sprintf's bounds on width and precision (issue 7, point 14). Go's fmt/print.go: a literal number
// stops parsing when the value read so far is over 1e6 (tooLarge) and the rest of the format is lost
// (`%!(NOVERB)`, then `%!(EXTRA …)` for unused arguments); a `*` argument whose magnitude is over 1e6 is
// `%!(BADWIDTH)` / `%!(BADPREC)` and formatting goes on without it. Expected values follow that code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sprintf } from '../src/fmt.ts';

describe('Sprintf width and precision bounds (Go fmt tooLarge)', () => {
  const cases: [string, unknown[], string][] = [
    // The probe of the issue: 300000000 is cut off after 3000000 (over 1e6) → no verb.
    ['%.300000000f', [1.5], '%!(NOVERB)%!(EXTRA float64=1.5)'],
    ['a%20000000db', [5n], 'a%!(NOVERB)%!(EXTRA int=5)'],
    ['%10000010s|', ['x'], '%!(NOVERB)%!(EXTRA string=x)'],
    ['%.10000010d', [5n], '%!(NOVERB)%!(EXTRA int=5)'],
    // Through an argument: over 1e6 in magnitude is BADWIDTH / BADPREC; the argument is used up.
    ['%*d', [1000001n, 5n], '%!(BADWIDTH)5'],
    ['%*d', [-1000001n, 5n], '%!(BADWIDTH)5'],
    ['%.*f', [1000001n, 1.5], '%!(BADPREC)1.500000'],
    ['%.*f', [-1000001n, 1.5], '%!(BADPREC)1.500000'],
    ['%*.*f|', [2000000n, 3000000n, 1.5], '%!(BADWIDTH)%!(BADPREC)1.500000|'],
    // Not an int: BADWIDTH too (already so).
    ['%*d', [1.5, 5n], '%!(BADWIDTH)5'],
    // "%." at the very end: Go takes '.' as the verb (i+1 < end fails).
    ['%.', [], '%!.(MISSING)'],
  ];
  for (const [format, args, want] of cases) {
    it(`${JSON.stringify(format)} → ${JSON.stringify(want)}`, () =>
      assert.equal(sprintf(format, args), want));
  }

  it('accepts the largest widths and precisions Go accepts, quickly', () => {
    assert.equal(sprintf('%.1000000f', [1.5]).length, 2 + 1_000_000);
    assert.equal(sprintf('%*d', [1000000n, 5n]).length, 1_000_000);
    assert.equal(sprintf('%.*e', [1000000n, 1.5]).length, 1_000_000 + 6);
    // 9999999 has seven digits, each read while the value was at most 1e6: accepted by Go.
    assert.equal(sprintf('%.9999999f', [1.5]).length, 2 + 9_999_999);
    // 10000009: the eighth digit is read while the value is exactly 1e6 (not over it): accepted.
    assert.equal(sprintf('%10000009d', [5n]).length, 10_000_009);
  });
});
