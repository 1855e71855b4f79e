// Splitting a watch stream (newline-delimited JSON) into lines, on top of the one line splitter
// (util/lines.ts). It works on bytes, so a multi-byte character or a line split across chunks is whole
// before it is decoded. Where a log line over the cap would be returned in pieces, a watch event over it is
// an error, thrown as soon as more than the cap is held without a newline: a server sending a line that
// never ends cannot make us buffer without bound.
//
// The edges are the splitter's: one '\r' before a '\n' is dropped (harmless here: JSON.parse ignores it as
// whitespace, and a blank line is skipped either way); the cap counts a line's bytes without its '\n' or
// '\r\n', so a line of exactly the cap is accepted; and while a line is held, at most the cap plus one byte
// is, the extra one a '\r' that may begin the line's CRLF and so waits for the next byte.
import { LineSplitter } from '../util/lines.ts';

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
  readonly #splitter: LineSplitter;
  /** Longest line accepted, in bytes without its line end. */
  readonly #max: number;

  constructor(maxLineBytes = Number.POSITIVE_INFINITY) {
    // The splitter raises a cap under 1 byte to 1; refused here rather than raised without a word.
    if (!(maxLineBytes >= 1)) throw new RangeError(`maxLineBytes must be at least 1, not ${maxLineBytes}`);
    this.#max = maxLineBytes;
    this.#splitter = new LineSplitter(maxLineBytes);
  }

  /**
   * The complete lines in `chunk` (with what came before it), without their line end. Throws
   * LineTooLongError when a line (complete or not) is longer than the cap; the buffer is not usable after.
   */
  push(chunk: Buffer): string[] {
    return this.#decode(this.#splitter.push(chunk));
  }

  /** What is left after the last '\n' (a final line without a newline, kept as sent), or undefined. */
  end(): string | undefined {
    return this.#decode(this.#splitter.end())[0];
  }

  /** Bytes held back waiting for a newline (see above for the bound). */
  get pending(): number {
    return this.#splitter.pending;
  }

  #decode(lines: Buffer[]): string[] {
    // The splitter returns a piece (and so sets kinds) only for a line over the cap.
    if (this.#splitter.kinds !== undefined) throw new LineTooLongError(this.#max);
    return lines.map((l) => l.toString('utf8'));
  }
}
