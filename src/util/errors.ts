/**
 * An error the user can act on: printed as one line on stderr (no stack trace), then kstern exits
 * with `exitCode` (1 for runtime/config errors, 2 for usage errors).
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** The message of anything thrown (an Error's message, or the value as text). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
