import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallMonitor, TokenBucket } from '../../../src/tail/stall.ts';
import { backoffDelay } from '../../../src/util/sleep.ts';
import { until } from '../../support/wait.ts';

describe('TokenBucket (the shared reconnect budget)', () => {
  it('lets a burst through, then paces callers at the rate, in order', async () => {
    const b = new TokenBucket(20, 5);
    const signal = new AbortController().signal;
    const t0 = performance.now();
    const order: number[] = [];
    await Promise.all(Array.from({ length: 15 }, (_, i) => b.take(signal).then(() => order.push(i))));
    const ms = performance.now() - t0;
    assert.deepEqual(order, [...Array(15).keys()]);
    // 5 at once, 10 more at 20/s ≈ 500 ms
    assert.ok(ms >= 400 && ms < 1500, `${ms} ms`);
  });

  it('an aborted caller does not wait', async () => {
    const b = new TokenBucket(1, 1);
    const ac = new AbortController();
    await b.take(ac.signal);
    const p = b.take(ac.signal);
    ac.abort();
    await p;
  });
});

describe('backoffDelay (per target)', () => {
  it('doubles from initialMs, is capped, and jitters within [d/2, d]', () => {
    const b = { initialMs: 250, maxMs: 30_000 };
    assert.equal(
      backoffDelay(0, b, () => 1),
      250,
    );
    assert.equal(
      backoffDelay(0, b, () => 0),
      125,
    );
    assert.equal(
      backoffDelay(3, b, () => 1),
      2000,
    );
    assert.equal(
      backoffDelay(20, b, () => 1),
      30_000,
    );
    assert.equal(
      backoffDelay(20, b, () => 0),
      15_000,
    );
  });
});

describe('StallMonitor', () => {
  it('pings once for all silent streams; a failed ping restarts nobody (the transport fails them)', async () => {
    let pings = 0;
    const m = new StallMonitor({
      idleMs: 40,
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
    await new Promise((r) => setTimeout(r, 130));
    for (const w of ws) w.close();
    assert.ok(pings >= 1 && pings <= 4, `${pings} pings for 10 streams`);
    assert.equal(checks, 0);
    assert.equal(m.size, 0);
  });

  it('a stream busy writing output is not silent; a check that says restart restarts it once', async () => {
    const m = new StallMonitor({ idleMs: 30, ping: async () => 1 });
    const restarts: string[] = [];
    const busy = m.register({ check: async () => 'restart', restart: (r) => restarts.push(`busy ${r}`) });
    busy.busy();
    const silent = m.register({ check: async () => 'restart', restart: (r) => restarts.push(`silent ${r}`) });
    silent.waiting();
    await new Promise((r) => setTimeout(r, 120));
    silent.close();
    busy.close();
    assert.ok(restarts.length >= 1 && restarts.every((r) => r.startsWith('silent')), restarts.join());
  });

  it('a check that hangs is aborted at its deadline and the stream restarted (never unchecked for good)', async () => {
    const m = new StallMonitor({ idleMs: 30, checkTimeoutMs: 60, ping: async () => 1 });
    const restarts: string[] = [];
    let aborted = 0;
    let checks = 0;
    const w = m.register({
      // The probe request never answers; it only ends when its signal aborts.
      check: (signal) => {
        checks++;
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted++;
            reject(new Error('aborted'));
          }),
        );
      },
      restart: (why) => restarts.push(why),
    });
    w.waiting();
    await until(
      () => restarts.length >= 1,
      () => `a restart (checks: ${checks})`,
      5000,
    );
    assert.match(restarts[0]!, /^no data for \d+s; its check got no answer in 60ms$/);
    assert.equal(m.stats.checkTimeouts, 1);
    await until(() => aborted === 1, 'the hung probe aborted', 2000);
    // The stream is checked again later (here: still silent, so it is restarted again).
    w.waiting();
    await until(() => restarts.length >= 2, 'a second check', 5000);
    w.close();
  });
});
