// What a tail needs from the output, owned here so that tail/ never imports output/: output/sink.ts
// implements it with the formatter and the one writer.
import type { LogLine, Target } from '../core/model.ts';

export interface LineSink {
  /** Prints these lines (of one target, in order). Resolves when the output can take more: backpressure. */
  lines(lines: readonly LogLine[]): Promise<void>;
  /** A tail of `t` started (stern's `+` line on stderr). */
  attached(t: Target): Promise<void>;
  /** A tail of `t` ended (the `-` line). */
  detached(t: Target): Promise<void>;
}
