// The one writer: every line is one write() call, so lines never interleave; callers await backpressure; a
// closed or broken pipe (`kstern … | head`) turns writing into a no-op instead of an 'error' crash.
// Only the reader leaving (EPIPE, a closed or destroyed stream) is a quiet end: any other write error
// (ENOSPC on a full disk, EIO) is kept as `outFailure`, so the run can say so and exit non-zero.

type Sink = NodeJS.WritableStream & { destroyed?: boolean };

/** Error codes that mean the reader went away (`| head`): not a failure of the run. */
const READER_LEFT = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/** Whether a write error means the output is broken (data lost), rather than the reader having left. */
export function isWriteFailure(e: Error | undefined): boolean {
  if (e === undefined) return false;
  const code = (e as NodeJS.ErrnoException).code;
  return code === undefined || !READER_LEFT.has(code);
}

const DONE: Promise<void> = Promise.resolve();

/** One output stream: write whole chunks, wait on 'drain', count callbacks for flush, swallow errors. */
class Channel {
  closed = false;
  error: Error | undefined;
  readonly #stream: Sink;
  readonly #onClose: () => void;
  #pending = 0;
  #drain: Promise<void> | undefined;
  #releaseDrain: (() => void) | undefined;
  #flushWaiters: (() => void)[] = [];

  constructor(stream: Sink, onClose: () => void) {
    this.#stream = stream;
    this.#onClose = onClose;
    stream.on('error', this.#close);
    stream.on('close', this.#close);
  }

  write(chunk: Buffer | string): Promise<void> {
    if (this.closed) return DONE;
    if (this.#stream.destroyed) {
      this.#close();
      return DONE;
    }
    this.#pending++;
    let ok: boolean;
    try {
      ok = this.#stream.write(chunk, this.#written);
    } catch (e) {
      this.#pending--;
      this.#close(e);
      return DONE;
    }
    if (ok || this.closed) return DONE;
    if (!this.#drain) {
      this.#drain = new Promise<void>((resolve) => {
        this.#releaseDrain = resolve;
      });
      this.#stream.once('drain', this.#drained);
    }
    return this.#drain;
  }

  flush(): Promise<void> {
    if (this.closed || this.#pending === 0) return DONE;
    return new Promise<void>((resolve) => this.#flushWaiters.push(resolve));
  }

  readonly #written = (err?: Error | null): void => {
    this.#pending--;
    if (err) this.#close(err);
    if (this.#pending === 0) this.#releaseFlush();
  };

  readonly #drained = (): void => {
    const release = this.#releaseDrain;
    this.#drain = undefined;
    this.#releaseDrain = undefined;
    release?.();
  };

  readonly #close = (err?: unknown): void => {
    if (err instanceof Error && !this.error) this.error = err;
    if (this.closed) return;
    this.closed = true;
    this.#stream.removeListener('drain', this.#drained);
    this.#drained();
    this.#releaseFlush();
    this.#onClose();
  };

  #releaseFlush(): void {
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const w of waiters) w();
  }
}

export interface WriterOptions {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Called once when stdout is closed or broken (EPIPE, ENOSPC, ...): the run stops writing. */
  onOutClosed?: () => void;
  /** Applied to every stderr write (terminal sanitising when stderr is a terminal, or --sanitize). */
  errFilter?: (text: string) => string;
}

export class Writer {
  readonly #out: Channel;
  readonly #err: Channel;
  readonly #errFilter: ((text: string) => string) | undefined;

  constructor(o: WriterOptions) {
    this.#errFilter = o.errFilter;
    const onOutClosed = o.onOutClosed;
    this.#out = new Channel(o.out, () => onOutClosed?.());
    this.#err = new Channel(o.err, () => {});
  }

  /**
   * One whole line (or several whole lines) per call. Resolves at once, or after 'drain' when the stream is
   * full (backpressure: callers await it). After stdout closed (EPIPE), a no-op.
   */
  out(chunk: Buffer | string): Promise<void> {
    return this.#out.write(chunk);
  }

  /** The same for stderr, through `errFilter`; a closed or broken stderr is ignored silently. */
  err(line: string): Promise<void> {
    return this.#err.write(this.#errFilter ? this.#errFilter(line) : line);
  }

  /** Resolves when everything written so far has been handed to the OS (or the stream is closed). */
  async flush(): Promise<void> {
    await Promise.all([this.#out.flush(), this.#err.flush()]);
  }

  get outClosed(): boolean {
    return this.#out.closed;
  }

  /** Why stdout closed, if it was an error (EPIPE, ERR_STREAM_DESTROYED, ENOSPC, ...). */
  get outError(): Error | undefined {
    return this.#out.error;
  }

  /** The error that broke stdout, unless it was the reader leaving (EPIPE): output was lost. */
  get outFailure(): Error | undefined {
    const e = this.#out.error;
    return isWriteFailure(e) ? e : undefined;
  }
}
