// Which lines of a container's log are printed, across every read attempt of one tail: no I/O, so the
// exactly-once rules are table-tested (test/unit/tail/emitter.test.ts).
//
// - A resume re-reads the last printed second (sinceTime is whole seconds): ResumePoint drops what was
//   printed already.
// - A resume must first see its anchor (the last printed line) again; a newer line before it means another
//   instance or a rotated log: the batch stops there (`anchorMissing`) and the rules decide.
// - A line over --max-line-bytes comes in pieces (util/lines.ts): the first carries the timestamp and decides
//   for all of them; each piece but the last is marked. A resume that cuts such a line skips the pieces
//   already printed.
// - Times are compared as order keys (core/rfc3339.ts): the kubelet's fixed-width UTC timestamp is its own
//   key, checked on the bytes; any other form is converted. No BigInt per line.
import type { LogLine, Target } from '../core/model.ts';
import {
  nsFromKey,
  orderKey,
  sinceTimeFromKey,
  splitTimestamp,
  startsWithFixedTimestamp,
} from '../core/rfc3339.ts';
import { PIECE, type PieceKind } from '../util/lines.ts';
import { ResumePoint } from './resume.ts';
import type { ReadMode } from './rules.ts';

/** `2006-01-02T15:04:05.000000001Z`: the kubelet's timestamps. */
const FIXED_LEN = 30;

/** Appended to each piece of an over-long line but its last. */
export const CONTINUED = Buffer.from(' [continued: longer than --max-line-bytes]');

/** `content` as a piece of `kind` prints: every piece of an over-long line but its last is marked. */
export function markPiece(content: Buffer, kind: PieceKind): Buffer {
  return kind === PIECE.first || kind === PIECE.middle ? Buffer.concat([content, CONTINUED]) : content;
}

/** A line over --max-line-bytes, read in pieces: which piece comes next and which are printed. */
interface LongLine {
  timestamp: string;
  key: string | undefined;
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
  readonly #resume = new ResumePoint<string>(sinceTimeFromKey);
  #lastKey: string | undefined;
  /** On a resume: the last printed line must come back before anything newer is printed. */
  #anchor: string | undefined;
  #long: LongLine | undefined;
  /** An over-long line cut by the end of an attempt: its first `printed` pieces are not printed again. */
  #openLong: { key: string; printed: number } | undefined;
  #longNoted = false;

  constructor(o: EmitterOptions) {
    this.#o = o;
  }

  /** The timestamp of the newest line printed (nanoseconds), if any had one. */
  get lastNs(): bigint | undefined {
    return this.#lastKey === undefined ? undefined : nsFromKey(this.#lastKey);
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
    this.#anchor = mode === 'resume' || mode === 'previous' ? this.#lastKey : undefined;
  }

  /** The attempt ended; `cutInLongLine`: the stream stopped inside a line already partly returned in pieces. */
  end(cutInLongLine: boolean): void {
    const l = this.#long;
    if (cutInLongLine && l?.key !== undefined && l.printed > 0)
      this.#openLong = { key: l.key, printed: l.printed };
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
          content: markPiece(safe, kind),
        });
        l.printed = l.piece;
        continue;
      }
      let timestamp: string;
      let content: Buffer;
      let key: string | undefined;
      if (startsWithFixedTimestamp(bytes)) {
        timestamp = bytes.toString('latin1', 0, FIXED_LEN);
        content = bytes.subarray(FIXED_LEN + 1);
        key = timestamp;
      } else {
        ({ timestamp, content } = splitTimestamp(bytes));
        key = timestamp === '' ? undefined : orderKey(timestamp);
      }
      if (this.#anchor !== undefined && key !== undefined) {
        if (key === this.#anchor) this.#anchor = undefined;
        else if (key > this.#anchor) return { lines, anchorMissing: true };
      }
      if (this.#resume.shouldSkip(key)) {
        if (kind === PIECE.first) {
          // Skip its later pieces too, but those of a line cut short last time that were never printed.
          const open = this.#openLong;
          const cut = open !== undefined && open.key === key ? open.printed : Number.POSITIVE_INFINITY;
          if (cut !== Number.POSITIVE_INFINITY) this.#openLong = undefined;
          this.#long = { timestamp, key, piece: 1, skipUpTo: cut, printed: 0 };
        }
        continue;
      }
      let safe = this.#safe(content);
      if (kind === PIECE.first) {
        this.#long = { timestamp, key, piece: 1, skipUpTo: 0, printed: 1 };
        safe = markPiece(safe, kind);
        if (!this.#longNoted) {
          this.#longNoted = true;
          this.#o.onLongLine?.();
        }
      }
      if (key !== undefined) {
        this.#resume.record(key);
        this.#lastKey = key;
      }
      lines.push({ target: t, timestamp, content: safe });
    }
    return { lines, anchorMissing: false };
  }

  #safe(content: Buffer): Buffer {
    return this.#o.sanitize === undefined ? content : this.#o.sanitize(content);
  }
}
