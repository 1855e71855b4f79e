import { EXIT } from './exit-codes.ts';

/**
 * An error the user can act on: printed as one line on stderr (no stack trace), then kstern exits
 * with `exitCode` (EXIT.error for runtime/config errors, EXIT.usage for usage errors: src/exit-codes.ts).
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.error) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** The message of anything thrown (an Error's message, or the value as text). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
