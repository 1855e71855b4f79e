// Stall detection and request budgets for the tailers.
//
// A follow stream can go quiet for two reasons: the container is not logging (fine), or the stream is
// dead while the container still logs (a connection that vanished without a FIN or RST, a proxy that
// stopped forwarding, a kubelet stuck after log rotation). The monitor tells them apart without a
// request storm:
//   1. A stream counts as silent only while kstern waits for it (not while it waits for a slow stdout).
//   2. When some stream has been silent for `idleMs` (default 30 s), the transport PINGs its HTTP/2
//      session(s) once, for all silent streams together. A session that does not answer within
//      `pingTimeoutMs` is destroyed by the transport: its streams fail and resume on their own.
//   3. The connection answered (or is HTTP/1.1): each silent stream is checked by its tailer (the
//      container's state, then a one-line `tailLines=1` request). Probes are rate-limited across all
//      streams (`probesPerSecond`), and a stream found quiet for good reason is checked again only after
//      twice as long (up to `maxIdleMs`), so 1000 quiet containers cost a few requests per minute.
//   4. A check has a deadline (`checkTimeoutMs`): a probe that hangs is aborted and counts as a failed
//      check, so the stream is restarted (a hung probe must never leave a stream unchecked for good).
import { type Clock, systemClock } from '../util/clock.ts';
import { TokenBucket } from '../util/token-bucket.ts';

export interface StallOptions {
  /** Silence (while waiting for data) before a stream is checked. Default 30 s. */
  idleMs?: number;
  /** How long a PING may take before its session counts as dead. Default 10 s. */
  pingTimeoutMs?: number;
  /** Probe requests per second, across all streams. Default 5 (burst 10). */
  probesPerSecond?: number;
  /** The longest interval between two checks of a stream that stays quiet. Default 5 min. */
  maxIdleMs?: number;
  /** How long one check (its probe request included) may take; a check past it restarts the stream. Default 15 s. */
  checkTimeoutMs?: number;
  /** PINGs the connection(s); rejects when one is dead (and destroys it). Undefined: no PING (HTTP/1.1). */
  ping?: (timeoutMs: number) => Promise<unknown>;
  clock?: Clock;
}

/** What a tailer tells the monitor about one stream. */
export interface StallHandlers {
  /**
   * The stream has been silent for a while and its connection is alive: is the stream itself alive?
   * 'restart' when it is not (the monitor then calls restart), 'ok' when the silence is explained.
   */
  check(signal: AbortSignal): Promise<'ok' | 'restart'>;
  /** Close the stream so that the tailer resumes it. */
  restart(reason: string): void;
}

/** One watched stream. */
export interface StreamWatch {
  /** Waiting for data from now on (request sent, or a chunk handled). */
  waiting(): void;
  /** Data arrived: not waiting while it is handled (output may block on a slow reader). */
  busy(): void;
  /** When data last arrived (or the wait began), on the monitor's clock (milliseconds). */
  readonly lastActivity: number;
  close(): void;
}

interface Entry extends StreamWatch {
  h: StallHandlers;
  isWaiting: boolean;
  since: number;
  interval: number;
  checking: boolean;
  closed: boolean;
  ctl: AbortController;
}

export class StallMonitor {
  readonly idleMs: number;
  readonly #pingTimeoutMs: number;
  readonly #maxIdleMs: number;
  readonly #checkTimeoutMs: number;
  readonly #ping: ((timeoutMs: number) => Promise<unknown>) | undefined;
  readonly #clock: Clock;
  readonly #probes: TokenBucket;
  readonly #entries = new Set<Entry>();
  /** Stops the scan loop; set while it runs (while any stream is registered). */
  #loop: AbortController | undefined;
  #pinging = false;
  /** Counters, for tests and -v. */
  readonly stats = { pings: 0, pingFailures: 0, checks: 0, checkTimeouts: 0, restarts: 0 };

  constructor(o: StallOptions = {}) {
    this.idleMs = o.idleMs ?? 30_000;
    this.#pingTimeoutMs = o.pingTimeoutMs ?? 10_000;
    this.#maxIdleMs = Math.max(this.idleMs, o.maxIdleMs ?? 300_000);
    this.#checkTimeoutMs = o.checkTimeoutMs ?? 15_000;
    this.#ping = o.ping;
    this.#clock = o.clock ?? systemClock;
    const rate = o.probesPerSecond ?? 5;
    this.#probes = new TokenBucket(rate, rate * 2, this.#clock);
  }

  register(h: StallHandlers): StreamWatch {
    const now = this.#clock.now();
    const monitor = this;
    const e: Entry = {
      h,
      isWaiting: false,
      since: now,
      interval: this.idleMs,
      checking: false,
      closed: false,
      ctl: new AbortController(),
      waiting() {
        e.isWaiting = true;
        e.since = monitor.#clock.now();
      },
      busy() {
        e.isWaiting = false;
        e.since = monitor.#clock.now();
        e.interval = monitor.idleMs;
      },
      get lastActivity() {
        return e.since;
      },
      close() {
        if (e.closed) return;
        e.closed = true;
        e.ctl.abort('closed');
        monitor.#entries.delete(e);
        if (monitor.#entries.size === 0) {
          monitor.#loop?.abort();
          monitor.#loop = undefined;
        }
      },
    };
    this.#entries.add(e);
    if (this.#loop === undefined) {
      const loop = new AbortController();
      this.#loop = loop;
      void this.#scanLoop(loop.signal);
    }
    return e;
  }

  /** Scans every idleMs/4 (20 ms to 5 s) while streams are registered. */
  async #scanLoop(signal: AbortSignal): Promise<void> {
    const period = Math.max(20, Math.min(this.idleMs / 4, 5000));
    while (!signal.aborted) {
      await this.#clock.sleep(period, signal);
      if (!signal.aborted) void this.#scan();
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  async #scan(): Promise<void> {
    if (this.#pinging) return;
    const now = this.#clock.now();
    const silent = [...this.#entries].filter(
      (e) => e.isWaiting && !e.checking && now - e.since >= e.interval,
    );
    if (silent.length === 0) return;
    if (this.#ping !== undefined) {
      this.#pinging = true;
      this.stats.pings++;
      try {
        await this.#ping(this.#pingTimeoutMs);
      } catch {
        // The dead session was destroyed: its streams fail now and resume on their own. Give the
        // silent streams a fresh period (those on a healthy session are checked next time).
        this.stats.pingFailures++;
        const t = this.#clock.now();
        for (const e of silent) if (!e.closed) e.since = t;
        return;
      } finally {
        this.#pinging = false;
      }
    }
    for (const e of silent) void this.#check(e);
  }

  async #check(e: Entry): Promise<void> {
    if (e.closed || e.checking) return;
    e.checking = true;
    try {
      await this.#probes.take(e.ctl.signal);
      if (e.closed || !e.isWaiting || this.#clock.now() - e.since < e.interval) return;
      this.stats.checks++;
      const verdict = await this.#checkWithDeadline(e);
      if (e.closed) return;
      if (verdict !== 'ok') {
        this.stats.restarts++;
        const silent = `no data for ${Math.round((this.#clock.now() - e.since) / 1000)}s`;
        e.h.restart(
          verdict === 'timeout' ? `${silent}; its check got no answer in ${this.#checkTimeoutMs}ms` : silent,
        );
        return;
      }
      // Quiet for a good reason: look again after twice as long.
      e.interval = Math.min(e.interval * 2, this.#maxIdleMs);
      e.since = this.#clock.now();
    } finally {
      e.checking = false;
    }
  }

  /** Runs the stream's check under its deadline: 'timeout' when it did not finish in time (it is aborted). */
  async #checkWithDeadline(e: Entry): Promise<'ok' | 'restart' | 'timeout'> {
    const ctl = new AbortController();
    const onClose = () => ctl.abort(e.ctl.signal.reason);
    e.ctl.signal.addEventListener('abort', onClose, { once: true });
    const timer = new AbortController();
    const deadline = this.#clock.sleep(this.#checkTimeoutMs, timer.signal).then(() => {
      if (timer.signal.aborted) return 'ok' as const; // the check finished first: this value is never used
      ctl.abort('check timed out');
      return 'timeout' as const;
    });
    try {
      // A check that fails (the probe request was refused) explains nothing either way: 'ok'.
      const verdict = await Promise.race([e.h.check(ctl.signal).catch(() => 'ok' as const), deadline]);
      if (verdict === 'timeout') this.stats.checkTimeouts++;
      return verdict;
    } finally {
      timer.abort();
      e.ctl.signal.removeEventListener('abort', onClose);
    }
  }
}
