// Splits a byte stream into lines without ever decoding it: a log line is whatever bytes the container
// wrote (invalid UTF-8, NULs, any length up to the cap). The one splitter of the program: log streams
// (tail/), --stdin, and watch streams (kube/ndjson.ts, where a piece is an error instead).

const LF = 0x0a;
const CR = 0x0d;

/** How a returned piece relates to its line: most lines are whole; a line over the cap comes in pieces. */
export const PIECE = { whole: 0, first: 1, middle: 2, last: 3 } as const;
export type PieceKind = (typeof PIECE)[keyof typeof PIECE];

/**
 * Splits on `\n` and drops one `\r` before it (CRLF). Lines are returned as Buffers, often views into the
 * pushed chunk (no copy), so callers must not reuse a chunk's memory after pushing it. A line spread over
 * several chunks is kept as pieces and concatenated once, when its end arrives.
 *
 * Memory stays bounded: a line longer than `maxLine` bytes is returned in pieces of exactly `maxLine`
 * bytes (the last one shorter or equal) as soon as they are known to be followed by more of the line, so
 * at most `maxLine` bytes plus one chunk are held. The cut points depend only on the line, never on how
 * the stream was chunked. After each `push`/`end`, `kinds` says which returned entries are pieces
 * (undefined when all are whole lines, the common case).
 */
export class LineSplitter {
  readonly #max: number;
  #pieces: Buffer[] = [];
  #pendingLength = 0;
  /** Pieces already returned of the line in progress (0: not a long line). */
  #emitted = 0;
  /** For the entries of the last push/end: undefined when every one is a whole line. */
  kinds: PieceKind[] | undefined;

  constructor(maxLine = Number.POSITIVE_INFINITY) {
    this.#max = Math.max(1, maxLine);
  }

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    this.kinds = undefined;
    let start = 0;
    let nl = chunk.indexOf(LF, start);
    while (nl !== -1) {
      if (this.#pieces.length === 0 && this.#emitted === 0 && nl - start <= this.#max) {
        // The common case: a whole line inside the chunk, returned as a view.
        const line = chunk.subarray(start, nl);
        this.#add(
          lines,
          line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line,
          PIECE.whole,
        );
      } else {
        this.#pieces.push(chunk.subarray(start, nl));
        this.#pendingLength += nl - start;
        this.#finishLine(lines, true);
      }
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) {
      this.#pieces.push(chunk.subarray(start));
      this.#pendingLength += chunk.length - start;
      this.#cutPieces(lines);
    }
    return lines;
  }

  /** The final line if the stream did not end with `\n` (kept as is: a lone trailing `\r` is content). */
  end(): Buffer[] {
    const lines: Buffer[] = [];
    this.kinds = undefined;
    if (this.#pieces.length > 0) this.#finishLine(lines, false);
    this.#emitted = 0;
    return lines;
  }

  /**
   * Bytes held back waiting for the rest of a line. After a push, never more than the cap, or the cap plus
   * one when the last held byte is a `\r` that may be the start of a CRLF.
   */
  get pending(): number {
    return this.#pendingLength;
  }

  /** Whether the stream stopped inside a line that was already partly returned in pieces. */
  get inLongLine(): boolean {
    return this.#emitted > 0;
  }

  #add(lines: Buffer[], line: Buffer, kind: PieceKind): void {
    if (kind !== PIECE.whole && this.kinds === undefined)
      this.kinds = new Array<PieceKind>(lines.length).fill(PIECE.whole);
    lines.push(line);
    this.kinds?.push(kind);
  }

  /** The held bytes as one Buffer (and nothing held any more). */
  #take(): Buffer {
    const all =
      this.#pieces.length === 1 ? this.#pieces[0]! : Buffer.concat(this.#pieces, this.#pendingLength);
    this.#pieces = [];
    this.#pendingLength = 0;
    return all;
  }

  /** The held bytes are a whole line (its `\n` seen when `terminated`): return it, in pieces if too long. */
  #finishLine(lines: Buffer[], terminated: boolean): void {
    let line = this.#take();
    if (terminated && line.length > 0 && line[line.length - 1] === CR)
      line = line.subarray(0, line.length - 1);
    let at = 0;
    while (line.length - at > this.#max) {
      this.#add(lines, line.subarray(at, at + this.#max), this.#emitted++ === 0 ? PIECE.first : PIECE.middle);
      at += this.#max;
    }
    this.#add(lines, line.subarray(at), this.#emitted === 0 ? PIECE.whole : PIECE.last);
    this.#emitted = 0;
  }

  /**
   * Returns full pieces of an unterminated line while more of it is held after them. A lone `\r` just past
   * the cut is not "more": it may be the end of a CRLF, so it waits for the next byte.
   */
  #cutPieces(lines: Buffer[]): void {
    while (this.#pendingLength > this.#max) {
      const held = this.#take();
      if (held.length === this.#max + 1 && held[held.length - 1] === CR) {
        this.#pieces = [held];
        this.#pendingLength = held.length;
        return;
      }
      this.#add(lines, held.subarray(0, this.#max), this.#emitted++ === 0 ? PIECE.first : PIECE.middle);
      const rest = held.subarray(this.#max);
      this.#pieces = [rest];
      this.#pendingLength = rest.length;
    }
  }
}
