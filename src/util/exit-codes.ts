// Every exit code kstern can end with, in one place: scripts and CI steps branch on them, so they are
// an interface. The README's table is generated from EXIT_CODES (`npm run readme`; a test keeps it in step).

export const EXIT = {
  /** The run did what was asked: every stream read, every container (with --until) exited 0. */
  ok: 0,
  /** An error: bad kubeconfig, unreachable server, rejected credentials, a stream that could not be read. */
  error: 1,
  /** A usage error: a bad flag, regular expression, duration, time zone or template. */
  usage: 2,
  /** Nothing matched the query (--no-follow without --allow-empty, or --wait ran out). */
  nothingMatched: 3,
  /** A line could not be formatted by the template or -o output (--no-follow, --until, --stdin). */
  formatFailed: 4,
  /** --until done: a container exited non-zero, or the Job failed. */
  containerFailed: 5,
  /** --until done: --until-timeout ran out before every container ended. */
  untilTimeout: 6,
} as const;

/** Exit codes for the signals that end a run (128 + signal number). */
export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** The README's exit-code table, row by row (code, when). */
export const EXIT_CODES: readonly (readonly [code: string, when: string])[] = [
  [
    `${EXIT.ok}`,
    '`--no-follow`, `--until done` or `--stdin` finished: every stream read to its end, every container (with `--until`) exited 0. In follow mode, never (it runs until stopped).',
  ],
  [
    `${EXIT.error}`,
    'An error: bad kubeconfig, unreachable server, credentials rejected (401), a stream that could not be read with `--no-follow` (403, a container still waiting to start: `ImagePullBackOff`, …).',
  ],
  [`${EXIT.usage}`, 'A usage error: bad flag, regular expression, duration, time zone or template.'],
  [
    `${EXIT.nothingMatched}`,
    'Nothing matched: `--no-follow` (or `--until done`) found no pod for the query, or `--wait` ran out. `--allow-empty` makes this 0.',
  ],
  [
    `${EXIT.formatFailed}`,
    'A line could not be formatted (`expanding template failed: …`, or `-o` could not render it) with `--no-follow`, `--until done` or `--stdin`.',
  ],
  [
    `${EXIT.containerFailed}`,
    '`--until done`: a container exited non-zero (or a Job query: the Job failed). The summary line on stderr lists the exit codes.',
  ],
  [`${EXIT.untilTimeout}`, '`--until done`: `--until-timeout` ran out first.'],
  [
    `${SIGNAL_EXIT['SIGHUP']} / ${SIGNAL_EXIT['SIGINT']} / ${SIGNAL_EXIT['SIGTERM']}`,
    'Stopped by SIGHUP / SIGINT (Ctrl-C) / SIGTERM, after printing the detach lines.',
  ],
];

export function exitCodeTable(): string {
  return ['| code | when |', '|---|---|', ...EXIT_CODES.map(([c, w]) => `| ${c} | ${w} |`)].join('\n');
}
