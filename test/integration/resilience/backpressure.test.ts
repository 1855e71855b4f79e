// Backpressure: with a reader that does not read for a while (`kstern … | (sleep 3; cat)`) while 20
// containers log at full speed, kstern's memory stays bounded and no line is lost. The built binary
// is measured (RSS from /proc); bench/backpressure.ts runs the longer version and reports figures.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runBackpressure } from '../../../bench/backpressure.ts';

describe('backpressure', () => {
  it('20 containers at full speed, reader asleep 3 s: RSS bounded, every line once', {
    skip: !existsSync('/proc/self/status'),
  }, async () => {
    const r = await runBackpressure({ containers: 20, linesPerSecond: 2000, readerSleepS: 3, seconds: 5 });
    assert.deepEqual([r.losses, r.duplicates, r.outOfOrder], [0, 0, 0]);
    assert.equal(r.lines, 20 * 2000 * 5);
    // Measured: baseline ≈ 65 MiB, peak ≈ 95-120 MiB, the same after 5 s or 15 s of blocking.
    assert.ok(r.peakRssMiB < 200, `peak RSS ${r.peakRssMiB} MiB (baseline ${r.baselineRssMiB} MiB)`);
    // The server could not push more than the HTTP/2 windows allow.
    assert.ok(r.serverBufferedPeakKiB < 20 * 1024, `server buffered ${r.serverBufferedPeakKiB} KiB`);
  });
});
