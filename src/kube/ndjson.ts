// Splitting a byte stream into lines, for watch streams (newline-delimited JSON). Works on bytes, so a
// multi-byte character or a line split across chunks is reassembled before it is decoded.

export class LineBuffer {
  private parts: Buffer[] = [];

  /** The complete lines in `chunk` (with what came before it), without their '\n'. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (this.parts.length > 0) {
        this.parts.push(piece);
        out.push(Buffer.concat(this.parts).toString('utf8'));
        this.parts = [];
      } else {
        out.push(piece.toString('utf8'));
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.parts.push(chunk.subarray(start));
    return out;
  }

  /** What is left after the last '\n' (a final line without a newline), or undefined. */
  end(): string | undefined {
    if (this.parts.length === 0) return undefined;
    const rest = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    return rest;
  }

  /** Bytes held back waiting for a newline. */
  get pending(): number {
    let n = 0;
    for (const p of this.parts) n += p.length;
    return n;
  }
}
