// The lexer of Go's text/template (text/template/parse/lex.go), run to completion into an item array.
// Delimiters are `{{` and `}}`; `{{- ` and ` -}}` trim the adjacent white space; `{{/* */}}` comments.

export enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // keywords (> Keyword)
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  t: T;
  val: string;
  pos: number; // index into the source
  line: number;
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

const LEFT = '{{';
const RIGHT = '}}';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const ALNUM = /[\p{L}\p{Nd}_]/u;
function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  if (k < 128) return (k >= 48 && k <= 57) || (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95;
  return ALNUM.test(c);
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

/** `%#U` of a rune, as Go prints it in lexer errors: U+007D '}'. */
export function hashU(r: string): string {
  const cp = r.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(r) ? `U+${hex} '${r}'` : `U+${hex}`;
}

/** Lexes a whole template. The last item is EOF or Error. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const emit = (t: T) => {
    items.push({ t, val: input.slice(start, pos), pos: start, line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = () => {
    line += countNL(input, start, pos);
    start = pos;
    startLine = line;
  };
  const advance = (n: number) => {
    line += countNL(input, pos, pos + n);
    pos += n;
  };
  const error = (msg: string) => {
    items.push({ t: T.Error, val: msg, pos: start, line: startLine });
  };
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2)) return [true, true];
    if (input.startsWith(RIGHT, pos)) return [true, false];
    return [false, false];
  };
  const atTerminator = (): boolean => {
    const r = input[pos];
    if (r === undefined || isSpace(r)) return true;
    switch (r) {
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
    }
    return input.startsWith(RIGHT, pos);
  };
  /** Scans a "…" or '…' literal (backslash escapes, no newline) from its opening quote; false after an error. */
  const quoted = (quote: string, unterminated: string): boolean => {
    advance(1);
    for (;;) {
      const c = input[pos];
      if (c === '\\') {
        const n = input[pos + 1];
        if (n !== undefined && n !== '\n') {
          advance(2);
          continue;
        }
      }
      if (c === undefined || c === '\n' || c === '\\') {
        error(unterminated);
        return false;
      }
      advance(1);
      if (c === quote) return true;
    }
  };
  const emitText = (end: number) => {
    // Text runs from start to end (newlines counted in the item's line as Go does).
    if (end > start) {
      items.push({ t: T.Text, val: input.slice(start, end), pos: start, line: startLine });
    }
  };

  for (;;) {
    // lexText
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      emitText(pos);
      line += countNL(input, start, pos);
      start = pos;
      startLine = line;
      items.push({ t: T.EOF, val: '', pos, line });
      return items;
    }
    let textEnd = x;
    const trimLeft = hasLeftTrimMarker(input, x + LEFT.length);
    if (trimLeft) {
      while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    }
    pos = x;
    emitText(textEnd);
    line += countNL(input, start, pos);
    start = pos;
    startLine = line;

    // lexLeftDelim
    pos += LEFT.length;
    const afterMarker = trimLeft ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      // lexComment
      pos += afterMarker;
      ignore();
      pos += 2;
      const end = input.indexOf('*/', pos);
      if (end < 0) {
        error('unclosed comment');
        return items;
      }
      advance(end + 2 - pos);
      const [delim, trim] = atRightDelim();
      if (!delim) {
        error('comment ends before closing delimiter');
        return items;
      }
      if (trim) advance(2);
      advance(RIGHT.length);
      if (trim) while (isSpace(input[pos])) advance(1);
      ignore();
      continue;
    }
    emit(T.LeftDelim);
    advance(afterMarker);
    ignore();
    parenDepth = 0;

    // lexInsideAction
    for (;;) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) {
          error('unclosed left paren');
          return items;
        }
        if (trim) {
          advance(2);
          ignore();
        }
        advance(RIGHT.length);
        emit(T.RightDelim);
        if (trim) {
          while (isSpace(input[pos])) advance(1);
          ignore();
        }
        break;
      }
      const r = input[pos];
      if (r === undefined) {
        error('unclosed action');
        return items;
      }
      if (isSpace(r)) {
        // lexSpace: stop before " -}}" so the trim marker is seen.
        let numSpaces = 0;
        while (isSpace(input[pos])) {
          advance(1);
          numSpaces++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos + 1)) {
          pos--;
          line -= input[pos] === '\n' ? 1 : 0;
          if (numSpaces === 1) continue;
        }
        emit(T.Space);
        continue;
      }
      switch (r) {
        case '=':
          advance(1);
          emit(T.Assign);
          continue;
        case ':':
          advance(1);
          if (input[pos] !== '=') {
            error('expected :=');
            return items;
          }
          advance(1);
          emit(T.Declare);
          continue;
        case '|':
          advance(1);
          emit(T.Pipe);
          continue;
        case '"':
          if (!quoted('"', 'unterminated quoted string')) return items;
          emit(T.String);
          continue;
        case '`': {
          const end = input.indexOf('`', pos + 1);
          if (end < 0) {
            error('unterminated raw quoted string');
            return items;
          }
          advance(end + 1 - pos);
          emit(T.RawString);
          continue;
        }
        case "'":
          if (!quoted("'", 'unterminated character constant')) return items;
          emit(T.CharConstant);
          continue;
        case '$':
        case '.': {
          const next = input[pos + 1];
          if (r === '.' && next !== undefined && next >= '0' && next <= '9') break; // a number
          advance(1);
          const typ = r === '$' ? T.Variable : T.Field;
          if (atTerminator()) {
            emit(r === '$' ? T.Variable : T.Dot);
            continue;
          }
          while (isAlphaNumeric(input[pos])) advance(1);
          if (!atTerminator()) {
            error(`bad character ${hashU(String.fromCodePoint(input.codePointAt(pos)!))}`);
            return items;
          }
          emit(typ);
          continue;
        }
        case '(':
          advance(1);
          parenDepth++;
          emit(T.LeftParen);
          continue;
        case ')':
          advance(1);
          parenDepth--;
          if (parenDepth < 0) {
            error('unexpected right paren');
            return items;
          }
          emit(T.RightParen);
          continue;
      }
      if (r === '+' || r === '-' || r === '.' || (r >= '0' && r <= '9')) {
        const ok = scanNumber();
        if (!ok) {
          error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
          return items;
        }
        if (input[pos] === '+' || input[pos] === '-') {
          if (!scanNumber() || input[pos - 1] !== 'i') {
            error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
            return items;
          }
          emit(T.Complex);
          continue;
        }
        emit(T.Number);
        continue;
      }
      if (isAlphaNumeric(r)) {
        while (isAlphaNumeric(input[pos])) advance(1);
        const word = input.slice(start, pos);
        if (!atTerminator()) {
          error(`bad character ${hashU(String.fromCodePoint(input.codePointAt(pos)!))}`);
          return items;
        }
        const kw = KEYWORDS[word];
        if (kw !== undefined && Object.hasOwn(KEYWORDS, word)) emit(kw);
        else if (word === 'true' || word === 'false') emit(T.Bool);
        else emit(T.Identifier);
        continue;
      }
      const cp = input.codePointAt(pos)!;
      if (cp < 0x80 && cp >= 0x20 && cp !== 0x7f) {
        advance(1);
        emit(T.Char);
        continue;
      }
      error(`unrecognized character in action: ${hashU(String.fromCodePoint(cp))}`);
      return items;
    }
  }

  function accept(valid: string): boolean {
    const c = input[pos];
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  }
  function acceptRun(valid: string): void {
    while (accept(valid)) {}
  }
  function scanNumber(): boolean {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(input[pos])) {
      pos++;
      return false;
    }
    return true;
  }
}

function countNL(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
