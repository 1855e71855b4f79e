// Which lines of a container's log are printed, across every read attempt of one tail: no I/O, so the
// exactly-once rules are table-tested (test/unit/tail/emitter.test.ts).
//
// - A resume re-reads the last printed second (sinceTime is whole seconds): ResumePoint drops what was
//   printed already.
// - A resume must first see its anchor (the last printed line) again; a newer line before it means another
//   instance or a rotated log: the batch stops there (`anchorMissing`) and the rules decide.
// - A line over --max-line-bytes comes in pieces (lines.ts): the first carries the timestamp and decides
//   for all of them; each piece but the last is marked. A resume that cuts such a line skips the pieces
//   already printed.
import type { LogLine, Target } from '../core/model.ts';
import { parseTimestampNs, splitTimestamp } from '../core/rfc3339.ts';
import { PIECE, type PieceKind } from './lines.ts';
import { ResumePoint } from './resume.ts';
import type { ReadMode } from './rules.ts';

/** Appended to each piece of an over-long line but its last. */
export const CONTINUED = Buffer.from(' [continued: longer than --max-line-bytes]');

/** A line over --max-line-bytes, read in pieces: which piece comes next and which are printed. */
interface LongLine {
  timestamp: string;
  ns: bigint | undefined;
  /** Pieces seen so far (the first is 1). */
  piece: number;
  /** Pieces up to this one are not printed (already printed before a resume, or the line is skipped). */
  skipUpTo: number;
  /** The last piece printed. */
  printed: number;
}

export interface EmitterOptions {
  target: Target;
  /** Terminal safety, applied to each line's content; undefined = byte-exact. */
  sanitize?: ((content: Buffer) => Buffer) | undefined;
  /** Called once, at the first line over the cap. */
  onLongLine?: () => void;
}

export class LineEmitter {
  readonly #o: EmitterOptions;
  readonly #resume = new ResumePoint();
  #lastNs: bigint | undefined;
  /** On a resume: the last printed line must come back before anything newer is printed. */
  #anchor: bigint | undefined;
  #long: LongLine | undefined;
  /** An over-long line cut by the end of an attempt: its first `printed` pieces are not printed again. */
  #openLong: { ns: bigint; printed: number } | undefined;
  #longNoted = false;

  constructor(o: EmitterOptions) {
    this.#o = o;
  }

  /** The timestamp of the newest line printed (nanoseconds), if any had one. */
  get lastNs(): bigint | undefined {
    return this.#lastNs;
  }

  /** Whether a resume is still waiting for its anchor. */
  get anchorPending(): boolean {
    return this.#anchor !== undefined;
  }

  /** The sinceTime a resume reads from (the second of the last printed line), if a line was printed. */
  sinceTime(): string | undefined {
    return this.#resume.sinceTime();
  }

  /** A new read attempt starts, reading `mode`. */
  begin(mode: ReadMode): void {
    this.#long = undefined;
    if (mode !== 'first') this.#resume.beginResume();
    this.#anchor = mode === 'resume' || mode === 'previous' ? this.#lastNs : undefined;
  }

  /** The attempt ended; `cutInLongLine`: the stream stopped inside a line already partly returned in pieces. */
  end(cutInLongLine: boolean): void {
    const l = this.#long;
    if (cutInLongLine && l?.ns !== undefined && l.printed > 0)
      this.#openLong = { ns: l.ns, printed: l.printed };
  }

  /**
   * The lines of `raw` (from the splitter, with its `kinds`) to print, in order. `anchorMissing`: a line
   * newer than the anchor came first; the lines before it are returned and the rest of the batch is not read.
   */
  take(raw: Buffer[], kinds: PieceKind[] | undefined): { lines: LogLine[]; anchorMissing: boolean } {
    const t = this.#o.target;
    const lines: LogLine[] = [];
    for (let i = 0; i < raw.length; i++) {
      const bytes = raw[i]!;
      const kind = kinds === undefined ? PIECE.whole : kinds[i]!;
      if (kind === PIECE.middle || kind === PIECE.last) {
        // A later piece of an over-long line: no timestamp of its own; printed unless its line was skipped.
        const l = this.#long;
        if (l === undefined) continue;
        l.piece++;
        if (kind === PIECE.last) this.#long = undefined;
        if (l.piece <= l.skipUpTo) continue;
        const safe = this.#safe(bytes);
        lines.push({
          target: t,
          timestamp: l.timestamp,
          content: kind === PIECE.middle ? Buffer.concat([safe, CONTINUED]) : safe,
        });
        l.printed = l.piece;
        continue;
      }
      const { timestamp, content } = splitTimestamp(bytes);
      const ns = timestamp === '' ? undefined : parseTimestampNs(timestamp);
      if (this.#anchor !== undefined && ns !== undefined) {
        if (ns === this.#anchor) this.#anchor = undefined;
        else if (ns > this.#anchor) return { lines, anchorMissing: true };
      }
      if (this.#resume.shouldSkip(ns)) {
        if (kind === PIECE.first) {
          // Skip its later pieces too, but those of a line cut short last time that were never printed.
          const open = this.#openLong;
          const cut = open !== undefined && open.ns === ns ? open.printed : Number.POSITIVE_INFINITY;
          if (cut !== Number.POSITIVE_INFINITY) this.#openLong = undefined;
          this.#long = { timestamp, ns, piece: 1, skipUpTo: cut, printed: 0 };
        }
        continue;
      }
      let safe = this.#safe(content);
      if (kind === PIECE.first) {
        this.#long = { timestamp, ns, piece: 1, skipUpTo: 0, printed: 1 };
        safe = Buffer.concat([safe, CONTINUED]);
        if (!this.#longNoted) {
          this.#longNoted = true;
          this.#o.onLongLine?.();
        }
      }
      if (ns !== undefined) {
        this.#resume.record(ns);
        this.#lastNs = ns;
      }
      lines.push({ target: t, timestamp, content: safe });
    }
    return { lines, anchorMissing: false };
  }

  #safe(content: Buffer): Buffer {
    return this.#o.sanitize === undefined ? content : this.#o.sanitize(content);
  }
}
