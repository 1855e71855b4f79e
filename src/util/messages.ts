// The one shape of every line kstern writes about itself on stderr: `kstern: ` first, then `error: ` or
// `warning: ` (a note has no severity word), then the text. An error means the exit code says something
// failed; a warning, that kstern recovered or carried on; a note is information. Not messages, and not
// built here: the `+`/`-`/`!` lines (part of the output, as stern prints them) and the -v request trace.

export type Severity = 'error' | 'warning' | 'note';

/** Where code below the edge sends a message; the edge (run.ts, main.ts) writes it with `messageLine`. */
export type Report = (text: string, severity?: Severity) => void;

/** The stderr line (without its newline) for `text`, a note unless a severity is given. */
export function messageLine(text: string, severity: Severity = 'note'): string {
  return severity === 'note' ? `kstern: ${text}` : `kstern: ${severity}: ${text}`;
}
