// stern's per-line filters (§3.9): --exclude then --include on the content only, and the highlight of
// --include/--highlight matches in the rendered line; both as wrappers around whichever output formats.
import { compileUserRegex } from '../config/user-regex.ts';
import type { LogLine } from '../core/model.ts';
import type { Formatter } from './format.ts';
import { type ColorLevel, painter } from './paint.ts';

/** Anything with a `test`: a compiled user regex, or a RegExp without the `g`/`y` flags (they keep state). */
export interface LineMatcher {
  test(s: string): boolean;
}

/**
 * Whether a line's content is kept: dropped if any exclude matches, else kept if there are no includes
 * or at least one matches. `undefined` when there is nothing to filter, so the caller skips the call.
 */
export function compileLineFilter(o: {
  include: readonly LineMatcher[];
  exclude: readonly LineMatcher[];
}): ((content: string) => boolean) | undefined {
  const include = [...o.include];
  const exclude = [...o.exclude];
  if (include.length === 0 && exclude.length === 0) return undefined;
  return (content) => {
    for (const re of exclude) if (re.test(content)) return false;
    if (include.length === 0) return true;
    for (const re of include) if (re.test(content)) return true;
    return false;
  };
}

/** stern's highlight colour: FgRed + Bold. */
const HIGHLIGHT = '31;1';

/**
 * stern's highlighter: one alternation of the --include and --highlight patterns, longest pattern
 * (by UTF-8 length) first so a longer match wins, each match painted red and bold
 * (`\x1b[31m\x1b[1m…\x1b[22m\x1b[39m`). stern wraps the alternation in a capture group, `(a|b)`; matching
 * `a|b` finds the same matches (an inline `(?i)` still reaches to the end of it). `undefined` when colour
 * is off (level 0) or there are no patterns. Patterns are expected to have been compiled (validated) one
 * by one.
 */
export function compileHighlighter(
  patterns: readonly string[],
  level: ColorLevel,
): ((rendered: string) => string) | undefined {
  if (level === 0 || patterns.length === 0) return undefined;
  // Go's len() is the UTF-8 length. stern's sort.Slice is not stable; this one is (equal lengths keep order).
  const sorted = [...patterns].sort((a, b) => Buffer.byteLength(b) - Buffer.byteLength(a));
  const re = compileUserRegex(sorted.join('|'), 'for highlight filter');
  const paint = painter(level)(HIGHLIGHT);
  return (rendered) => re.replaceAll(rendered, paint);
}

/**
 * `f` with --include/--exclude applied first: a line whose content is not kept is not formatted. A batch
 * path of `f` stays one, over the kept lines.
 */
export function withLineFilter(f: Formatter, keep: ((content: string) => boolean) | undefined): Formatter {
  if (keep === undefined) return f;
  const kept = (l: LogLine) => keep(l.content.toString('utf8'));
  const batch = f.lines;
  return {
    ...(batch ? { lines: (ls: readonly LogLine[]) => batch.call(f, ls.filter(kept)) } : {}),
    line: (l) => (kept(l) ? f.line(l) : undefined),
    attach: (t) => f.attach(t),
    detach: (t) => f.detach(t),
  };
}

/** `f` with the highlighter applied to each line it renders (line by line: no batch path). */
export function withHighlight(
  f: Formatter,
  highlight: ((rendered: string) => string) | undefined,
): Formatter {
  if (highlight === undefined) return f;
  return {
    line(l) {
      const b = f.line(l);
      return b === undefined ? undefined : Buffer.from(highlight(b.toString('utf8')));
    },
    attach: (t) => f.attach(t),
    detach: (t) => f.detach(t),
  };
}
