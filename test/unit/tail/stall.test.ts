// Stall detection and the reconnect budget, in virtual time (test/support/clock.ts): the rules are
// checked at exact instants, with no sleeping and no dependence on the machine's load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallMonitor } from '../../../src/tail/stall.ts';
import { backoffDelay } from '../../../src/util/backoff.ts';
import { TokenBucket } from '../../../src/util/token-bucket.ts';
import { settle, VirtualClock } from '../../support/clock.ts';

describe('TokenBucket (the shared reconnect budget)', () => {
  it('lets a burst through at once, then paces callers at the rate, in order', async () => {
    const clock = new VirtualClock();
    const b = new TokenBucket(20, 5, clock);
    const signal = new AbortController().signal;
    const got: { i: number; at: number }[] = [];
    for (let i = 0; i < 15; i++) void b.take(signal).then(() => got.push({ i, at: clock.now() }));
    await clock.advance(0);
    assert.deepEqual(
      got.map((g) => g.at),
      [0, 0, 0, 0, 0],
      'the burst',
    );
    await clock.advance(1000);
    assert.deepEqual(
      got.map((g) => g.i),
      [...Array(15).keys()],
      'in order',
    );
    // 20 per second after the burst: one every 50 ms.
    assert.deepEqual(
      got.slice(5).map((g) => g.at),
      [50, 100, 150, 200, 250, 300, 350, 400, 450, 500],
    );
  });

  it('refills over time up to the burst, never beyond', async () => {
    const clock = new VirtualClock();
    const b = new TokenBucket(10, 3, clock);
    const signal = new AbortController().signal;
    for (let i = 0; i < 3; i++) await b.take(signal);
    assert.equal(b.available, 0);
    await clock.advance(150);
    assert.equal(b.available, 1.5);
    await clock.advance(10_000);
    assert.equal(b.available, 3);
  });

  it('an aborted caller does not wait', async () => {
    const clock = new VirtualClock();
    const b = new TokenBucket(1, 1, clock);
    const ac = new AbortController();
    await b.take(ac.signal);
    let done = false;
    const p = b.take(ac.signal).then(() => (done = true));
    await settle();
    assert.equal(done, false);
    ac.abort();
    await p;
    assert.equal(clock.now(), 0);
  });
});

describe('backoffDelay (per target)', () => {
  it('doubles from initialMs, is capped, and jitters within [d/2, d]', () => {
    const b = { initialMs: 250, maxMs: 30_000 };
    const rows: [attempt: number, random: number, ms: number][] = [
      [0, 1, 250],
      [0, 0, 125],
      [3, 1, 2000],
      [20, 1, 30_000],
      [20, 0, 15_000],
    ];
    for (const [attempt, random, ms] of rows)
      assert.equal(
        backoffDelay(attempt, b, () => random),
        ms,
      );
  });
});

describe('StallMonitor', () => {
  it('pings once for all silent streams; a failed ping restarts nobody (the transport fails them)', async () => {
    const clock = new VirtualClock();
    let pings = 0;
    const m = new StallMonitor({
      idleMs: 40,
      clock,
      ping: async () => {
        pings++;
        throw new Error('dead');
      },
    });
    let checks = 0;
    const ws = Array.from({ length: 10 }, () =>
      m.register({
        check: async () => {
          checks++;
          return 'ok';
        },
        restart: () => assert.fail('no restart'),
      }),
    );
    for (const w of ws) w.waiting();
    await clock.advance(39);
    assert.equal(pings, 0, 'not silent for idleMs yet');
    await clock.advance(1);
    assert.equal(pings, 1, 'one ping for ten streams');
    // The failed ping gave them a fresh period.
    await clock.advance(39);
    assert.equal(pings, 1);
    await clock.advance(1);
    assert.equal(pings, 2);
    for (const w of ws) w.close();
    assert.equal(checks, 0);
    assert.equal(m.size, 0);
    assert.equal(clock.pending, 0, 'the scan loop stops with the last stream');
  });

  it('a stream busy writing output is not silent; a check that says restart restarts it once', async () => {
    const clock = new VirtualClock();
    const m = new StallMonitor({ idleMs: 40, clock, ping: async () => 1 });
    const restarts: string[] = [];
    const busy = m.register({ check: async () => 'restart', restart: (r) => restarts.push(`busy ${r}`) });
    busy.busy();
    // A restart aborts the tail's attempt, which closes its watch (as tailer.ts does).
    const silent = m.register({
      check: async () => 'restart',
      restart: (r) => {
        restarts.push(`silent ${r}`);
        silent.close();
      },
    });
    silent.waiting();
    await clock.advance(200);
    assert.deepEqual(restarts, ['silent no data for 0s']);
    busy.close();
  });

  it('a stream quiet for a good reason is checked again after twice as long, up to maxIdleMs', async () => {
    const clock = new VirtualClock();
    const m = new StallMonitor({ idleMs: 40, maxIdleMs: 100, clock, ping: async () => 1 });
    const at: number[] = [];
    const w = m.register({
      check: async () => {
        at.push(clock.now());
        return 'ok';
      },
      restart: () => assert.fail('no restart'),
    });
    w.waiting();
    await clock.advance(500);
    w.close();
    // Scans run every 20 ms (idleMs / 4, at least 20): a check is due 40, then 80, then 100 ms after the last.
    assert.deepEqual(at.slice(0, 4), [40, 120, 220, 320]);
  });

  it('a check that hangs is aborted at its deadline and the stream restarted (never unchecked for good)', async () => {
    const clock = new VirtualClock();
    const m = new StallMonitor({ idleMs: 40, checkTimeoutMs: 60, clock, ping: async () => 1 });
    const restarts: { why: string; at: number }[] = [];
    let aborted = 0;
    // Each attempt of the tail registers a watch; a restart ends the attempt, and the next one begins.
    const attempt = () => {
      const w = m.register({
        // The probe request never answers; it only ends when its signal aborts.
        check: (signal) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              aborted++;
              reject(new Error('aborted'));
            }),
          ),
        restart: (why) => {
          restarts.push({ why, at: clock.now() });
          w.close();
          if (restarts.length < 2) attempt();
        },
      });
      w.waiting();
    };
    attempt();
    await clock.advance(99);
    assert.equal(restarts.length, 0, 'the check is still within its deadline');
    await clock.advance(1);
    assert.deepEqual(restarts, [{ why: 'no data for 0s; its check got no answer in 60ms', at: 100 }]);
    assert.equal(aborted, 1, 'the hung probe was aborted');
    assert.equal(m.stats.checkTimeouts, 1);
    // The next attempt's stream, silent and probed with the same hung probe, is restarted in turn.
    await clock.advance(200);
    assert.deepEqual(
      restarts.map((r) => r.at),
      [100, 200],
    );
    assert.equal(m.size, 0);
  });
});
