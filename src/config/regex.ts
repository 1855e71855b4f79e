import { UserError } from '../errors.ts';

/**
 * Compiles a user's regular expression. Accepts Go/RE2's leading inline flags (`(?i)`, `(?s)`,
 * `(?is)`), which stern users write, by turning them into JavaScript flags.
 */
export function compileRegex(source: string, what: string): RegExp {
  let flags = '';
  let body = source;
  const m = /^\(\?([ims]+)\)/.exec(source);
  if (m) {
    flags = [...new Set(m[1]!)].join('');
    body = source.slice(m[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    throw new UserError(`failed to compile regular expression ${what}: ${msg}`, 2);
  }
}
