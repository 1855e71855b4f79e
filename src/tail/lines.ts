// Splits a byte stream into lines without ever decoding it: a log line is whatever bytes the container
// wrote (invalid UTF-8, NULs, any length).

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits on `\n` and drops one `\r` before it (CRLF). Lines are returned as Buffers, often views into the
 * pushed chunk (no copy), so callers must not reuse a chunk's memory after pushing it. A line spread over
 * several chunks is kept as pieces and concatenated once, when its end arrives.
 */
export class LineSplitter {
  #pieces: Buffer[] = [];
  #pendingLength = 0;

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    let nl = chunk.indexOf(LF, start);
    while (nl !== -1) {
      let line: Buffer;
      if (this.#pieces.length === 0) {
        line = chunk.subarray(start, nl);
      } else {
        this.#pieces.push(chunk.subarray(start, nl));
        line = Buffer.concat(this.#pieces, this.#pendingLength + nl - start);
        this.#pieces = [];
        this.#pendingLength = 0;
      }
      lines.push(line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line);
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) {
      this.#pieces.push(chunk.subarray(start));
      this.#pendingLength += chunk.length - start;
    }
    return lines;
  }

  /** The final line if the stream did not end with `\n` (kept as is: a lone trailing `\r` is content). */
  end(): Buffer[] {
    if (this.#pieces.length === 0) return [];
    const line =
      this.#pieces.length === 1 ? this.#pieces[0]! : Buffer.concat(this.#pieces, this.#pendingLength);
    this.#pieces = [];
    this.#pendingLength = 0;
    return [line];
  }
}
