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
