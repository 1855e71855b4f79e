// The user's regular expressions (--include, --exclude, --highlight, the pod query, container filters):
// Go/RE2 syntax and semantics through re2js (a pure-JS port of Go's regexp), so matching is linear in the
// line length whatever the pattern. The commonest patterns, plain literals and alternations of literals
// (`ERROR|WARN`, `(?i)timeout`), run on V8's RegExp instead: ~20× faster, identical results, and with
// no quantifier there is nothing to backtrack over. Figures: bench/regex.md.
import { RE2JS } from 're2js';
import { errorMessage, UserError } from '../util/errors.ts';

export interface UserRegex {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** `v8` for a literal alternation (RegExp), else `re2js`. */
  readonly engine: 'v8' | 're2js';
  /** Whether the pattern matches anywhere in `s` (Go's MatchString). */
  test(s: string): boolean;
  /** Go's ReplaceAllStringFunc: each leftmost-first, non-overlapping match replaced by `fn(match)`. */
  replaceAll(s: string, fn: (match: string) => string): string;
}

/** A literal character of both syntaxes: printable ASCII except RE2's metacharacters, or one escaped. */
const LIT = String.raw`(?:[ !"#%&',\-/0-9:;<=>@A-Z_\x60a-z~]|\\[\\.+*?()|[\]{}^$])`;
/** Optional leading `(?i)`, then non-empty literals separated by `|`. */
const LITERAL_ALTERNATION = new RegExp(String.raw`^(\(\?i\))?${LIT}+(?:\|${LIT}+)*$`);

/**
 * Compiles a user's pattern, or throws `UserError('failed to compile regular expression <what>: <reason>', 2)`
 * with Go's reason, e.g. `error parsing regexp: missing closing ): \`(a\``. `what` is stern's wording:
 * 'from query', 'for exclusion filter', 'for inclusion filter', 'for highlight filter', …
 */
export function compileUserRegex(source: string, what: string): UserRegex {
  let re2: ReturnType<typeof RE2JS.compile>;
  try {
    re2 = RE2JS.compile(source);
  } catch (e) {
    const reason = errorMessage(e).split('\n')[0];
    throw new UserError(`failed to compile regular expression ${what}: ${reason}`, 2);
  }
  const literal = LITERAL_ALTERNATION.exec(source);
  if (literal) return v8Literal(source, literal[1] !== undefined);
  return {
    source,
    engine: 're2js',
    test: (s) => re2.test(s),
    replaceAll: (s, fn) => goReplaceAll(re2, s, fn),
  };
}

/** `u` so that `(?i)` folds like Go (`k` matches U+212A KELVIN SIGN, `s` matches U+017F). */
function v8Literal(source: string, ignoreCase: boolean): UserRegex {
  const body = ignoreCase ? source.slice(4) : source;
  const flags = ignoreCase ? 'iu' : 'u';
  const once = new RegExp(body, flags);
  const global = new RegExp(body, `${flags}g`);
  return {
    source,
    engine: 'v8',
    test: (s) => once.test(s),
    // Literals are never empty, so JavaScript's and Go's rules for empty matches cannot differ.
    replaceAll: (s, fn) => s.replace(global, (m) => fn(m)),
  };
}

/**
 * Go's regexp.replaceAll: an empty match right after the previous match is not replaced, and the
 * search always advances by at least one character (a surrogate pair counts as one).
 */
function goReplaceAll(re: ReturnType<typeof RE2JS.compile>, s: string, fn: (m: string) => string): string {
  const m = re.matcher(s);
  let out = '';
  let lastEnd = 0;
  let pos = 0;
  while (pos <= s.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    out += s.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += fn(s.slice(start, end));
    lastEnd = end;
    const width = isPairAt(s, pos) ? 2 : 1;
    pos = Math.max(pos + width, end);
  }
  return out + s.slice(lastEnd);
}

function isPairAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}
