// Splitting a byte stream into lines, for watch streams (newline-delimited JSON). Works on bytes, so a
// multi-byte character or a line split across chunks is reassembled before it is decoded. A line longer
// than the limit is an error as soon as that many bytes are held, so a server sending a line that never
// ends cannot make us buffer without bound.

/** A line over the LineBuffer's limit. */
export class LineTooLongError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`a line longer than ${limit} bytes`);
    this.name = 'LineTooLongError';
    this.limit = limit;
  }
}

export class LineBuffer {
  #parts: Buffer[] = [];
  /** Bytes in #parts. */
  #held = 0;
  /** Longest line accepted, in bytes without its '\n'. */
  readonly maxLineBytes: number;

  constructor(maxLineBytes = Number.POSITIVE_INFINITY) {
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * The complete lines in `chunk` (with what came before it), without their '\n'. Throws
   * LineTooLongError when a line (complete or not) is longer than maxLineBytes.
   */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      this.#check(piece.length);
      if (this.#parts.length > 0) {
        this.#parts.push(piece);
        out.push(Buffer.concat(this.#parts).toString('utf8'));
        this.#parts = [];
        this.#held = 0;
      } else {
        out.push(piece.toString('utf8'));
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.#check(chunk.length - start);
      this.#parts.push(chunk.subarray(start));
      this.#held += chunk.length - start;
    }
    return out;
  }

  /** What is left after the last '\n' (a final line without a newline), or undefined. */
  end(): string | undefined {
    if (this.#parts.length === 0) return undefined;
    const rest = Buffer.concat(this.#parts).toString('utf8');
    this.#parts = [];
    this.#held = 0;
    return rest;
  }

  /** Bytes held back waiting for a newline (never more than maxLineBytes). */
  get pending(): number {
    return this.#held;
  }

  #check(more: number): void {
    if (this.#held + more > this.maxLineBytes) {
      this.#parts = [];
      this.#held = 0;
      throw new LineTooLongError(this.maxLineBytes);
    }
  }
}
