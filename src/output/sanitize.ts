// Terminal safety. Log content is untrusted: a container can write escape sequences that, sent raw to a
// terminal, rewrite the screen, move the cursor over earlier lines, set the window title (OSC 0/2), write
// to the clipboard (OSC 52), hide text (CR, backspace, SGR 8 "conceal"), reorder what is shown (bidi
// overrides, "Trojan Source") or, on some terminals, answer back into the input (CVE-2021-25743 class,
// also kubectl's). The same holds for what comes from the cluster besides log lines (pod metadata in
// templates, Status messages in diagnostics), so this module is used for those too.
//
// When the output is a terminal (or with --sanitize), every such byte is shown escaped instead:
//   - C0 controls except TAB (0x00-0x1f, so also CR, BS, BEL) and DEL (0x7f) become `\xNN`;
//     ESC becomes `\x1b`, so `ESC ] 52 ; …` prints as `\x1b]52;…`;
//   - raw bytes 0x80-0x9f that are not part of a valid UTF-8 sequence (an 8-bit C1 control such as 0x9b,
//     CSI, on terminals that read them) become `\xNN`; other invalid UTF-8 bytes (0xa0-0xff) are kept;
//   - C1 controls encoded as UTF-8 (U+0080-U+009F, e.g. U+009B) become `\u00NN`;
//   - the bidi embedding/override/isolate controls U+202A-U+202E and U+2066-U+2069 become `\u202e` etc.;
//   - with colour on (`allowSgr`), an SGR sequence passes untouched when all its parameters colour text:
//       ``/0 (reset), 1 bold, 2 dim, 3 italic, 4 underline, 22 23 24 (their resets),
//       30-37 39 40-47 49 90-97 100-107 (colours and default colours),
//       38;5;n 48;5;n 38;2;r;g;b 48;2;r;g;b with n, r, g, b in 0-255, and the colon forms of the same
//       (38:5:n, 38:2:r:g:b, 38:2:<colour space>:r:g:b);
//     any other parameter (5/6 blink, 7 reverse, 8 conceal, 9 crossed-out, fonts, …) or any other ESC
//     sequence is escaped whole. `ownSgr` adds sequences kstern itself writes (a --pod-colors list may
//     hold inverse, strikethrough, …); they pass too. When a line lets SGR through and does not end in
//     the default state (each colour and attribute it turned on turned off again, by a reset, 0, or by
//     its own, as chalk closes them: 39, 49, 22, 23, 24, …), `ESC[0m` is appended, so no colour leaks
//     into the next line.
// Piped or redirected output is byte-exact unless --sanitize is given.
// Cost: one scan of the line; a line without any byte to look at (ASCII text, TAB, valid UTF-8 other
// than the code points above) is returned as is (same Buffer).

const ESC = 0x1b;
const TAB = 0x09;
const DEL = 0x7f;
const HEX = '0123456789abcdef';
const RESET = Buffer.from('\x1b[0m', 'latin1');
/** Real SGR sequences are short; a long run of parameters is not worth trusting. */
const MAX_SGR = 64;

function escapeByte(b: number): string {
  return `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
}

/**
 * Length of the valid UTF-8 sequence (2-4 bytes, no overlong form, no surrogate, at most U+10FFFF)
 * starting with the byte ≥ 0x80 at `i`, or 0 when it is not one.
 */
function utf8Length(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const c1 = buf[i + 1];
  if (c1 === undefined) return 0;
  if (b >= 0xc2 && b <= 0xdf) return c1 >= 0x80 && c1 <= 0xbf ? 2 : 0;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xe0 && b <= 0xef) {
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f;
    const c2 = buf[i + 2];
    return c1 >= lo && c1 <= hi && c2 !== undefined && c2 >= 0x80 && c2 <= 0xbf ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
    const c2 = buf[i + 2];
    const c3 = buf[i + 3];
    return c1 >= lo &&
      c1 <= hi &&
      c2 !== undefined &&
      c2 >= 0x80 &&
      c2 <= 0xbf &&
      c3 !== undefined &&
      c3 >= 0x80 &&
      c3 <= 0xbf
      ? 4
      : 0;
  }
  return 0;
}

/** Whether the valid 2- or 3-byte sequence at `i` is a C1 control or a bidi control. */
function isUnsafeCodePoint(buf: Buffer, i: number, len: number): boolean {
  const b = buf[i]!;
  const c1 = buf[i + 1]!;
  if (len === 2) return b === 0xc2 && c1 <= 0x9f; // U+0080-U+009F
  if (len !== 3 || b !== 0xe2) return false;
  const c2 = buf[i + 2]!;
  return (c1 === 0x80 && c2 >= 0xaa && c2 <= 0xae) || (c1 === 0x81 && c2 >= 0xa6 && c2 <= 0xa9);
}

/**
 * Where the next byte to look at is, from `i`: a control byte, an ESC, a stray 0x80-0x9f byte, or the
 * first byte of a C1 or bidi code point. `n` when there is none.
 */
function nextSpecial(buf: Buffer, i: number, n: number): number {
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x20) {
      if (b !== TAB) return i;
      i++;
    } else if (b < 0x7f) i++;
    else if (b === DEL) return i;
    else if (b >= 0xc3 && b <= 0xdf && (buf[i + 1]! & 0xc0) === 0x80)
      i += 2; // U+00C0-U+07FF
    else if (b >= 0xe3 && b <= 0xec && (buf[i + 1]! & 0xc0) === 0x80 && (buf[i + 2]! & 0xc0) === 0x80)
      i += 3; // U+3000-U+CFFF (CJK): the common 3-byte text, never a control
    else {
      const len = utf8Length(buf, i);
      if (len === 0) {
        if (b <= 0x9f) return i;
        i++;
      } else if (isUnsafeCodePoint(buf, i, len)) return i;
      else i += len;
    }
  }
  return n;
}

function byteValue(s: string | undefined): boolean {
  return s !== undefined && s !== '' && Number(s) <= 255;
}

/** ITU T.416 colon form of a colour: 38:5:n, 38:2:r:g:b or 38:2:<colour space>:r:g:b (and 48). */
function isColonColor(p: string): boolean {
  const sub = p.split(':');
  if (sub[0] !== '38' && sub[0] !== '48') return false;
  if (sub[1] === '5') return sub.length === 3 && byteValue(sub[2]);
  if (sub[1] !== '2') return false;
  if (sub.length === 5) return sub.slice(2).every(byteValue);
  return sub.length === 6 && (sub[2] === '' || byteValue(sub[2])) && sub.slice(3).every(byteValue);
}

/**
 * What SGR has set, as bits (0: the default state): the colour, the background, and each attribute as
 * its own reset turns it off (22 both bold and dim). OTHER stands for what only a reset (0) undoes.
 */
const FG = 1 << 0;
const BG = 1 << 1;
const INTENSITY = 1 << 2;
const ITALIC = 1 << 3;
const UNDERLINE = 1 << 4;
const BLINK = 1 << 5;
const INVERSE = 1 << 6;
const HIDDEN = 1 << 7;
const STRIKE = 1 << 8;
const OVERLINE = 1 << 9;
const OTHER = 1 << 10;

/** The attribute each parameter turns on, and the one each reset turns off: 1-4 and 22-24 from anyone. */
const SETS = new Map([
  [1, INTENSITY],
  [2, INTENSITY],
  [3, ITALIC],
  [4, UNDERLINE],
]);
const CLEARS = new Map([
  [22, INTENSITY],
  [23, ITALIC],
  [24, UNDERLINE],
  [39, FG],
  [49, BG],
]);
/** Only in kstern's own colours (a palette may hold any attribute: chalk writes each with its reset). */
const OWN_SETS = new Map([
  [5, BLINK],
  [6, BLINK],
  [7, INVERSE],
  [8, HIDDEN],
  [9, STRIKE],
  [53, OVERLINE],
]);
const OWN_CLEARS = new Map([
  [25, BLINK],
  [27, INVERSE],
  [28, HIDDEN],
  [29, STRIKE],
  [55, OVERLINE],
]);

/** The colour a parameter sets (FG, BG), or 0 when it is not a 16-colour code. */
function colorOf(p: number): number {
  if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97)) return FG;
  if ((p >= 40 && p <= 47) || (p >= 100 && p <= 107)) return BG;
  return 0;
}

/**
 * The state after the SGR sequence with these parameters (digits, ';' and ':'), from `state`, or
 * undefined when one of them is not allowed. A sequence in `ownSgr` is allowed whatever it holds.
 */
function sgrState(
  params: string,
  ownSgr: ReadonlySet<string> | undefined,
  state: number,
): number | undefined {
  const own = ownSgr?.has(params) === true;
  const ps = params.split(';');
  for (let k = 0; k < ps.length; k++) {
    const p = ps[k]!;
    if (p.includes(':')) {
      if (isColonColor(p)) state |= p.startsWith('4') ? BG : FG;
      else if (own) state |= OTHER;
      else return undefined;
      continue;
    }
    const v = p === '' ? 0 : Number(p);
    if (v === 38 || v === 48) {
      // 38;5;n or 38;2;r;g;b: the values that follow belong to this parameter.
      const count = ps[k + 1] === '5' ? 1 : ps[k + 1] === '2' ? 3 : 0;
      const values = ps.slice(k + 2, k + 2 + count);
      if (count === 0 || values.length !== count || !values.every(byteValue)) {
        if (!own) return undefined;
        state |= OTHER;
        continue;
      }
      k += 1 + count;
      state |= v === 38 ? FG : BG;
    } else if (v === 0) state = 0;
    else if (SETS.has(v)) state |= SETS.get(v)!;
    else if (CLEARS.has(v)) state &= ~CLEARS.get(v)!;
    else if (colorOf(v) !== 0) state |= colorOf(v);
    else if (!own) return undefined;
    else if (OWN_SETS.has(v)) state |= OWN_SETS.get(v)!;
    else if (OWN_CLEARS.has(v)) state &= ~OWN_CLEARS.get(v)!;
    else state |= OTHER;
  }
  return state;
}

/**
 * The length of an allowed SGR sequence (`ESC [ <params> m`) starting at `i` and the state after it, or
 * undefined.
 */
function allowedSgr(
  buf: Buffer,
  i: number,
  ownSgr: ReadonlySet<string> | undefined,
  state: number,
): { len: number; state: number } | undefined {
  if (buf[i + 1] !== 0x5b) return undefined; // '['
  const end = Math.min(buf.length, i + MAX_SGR);
  for (let j = i + 2; j < end; j++) {
    const c = buf[j]!;
    if (c === 0x6d) {
      // 'm'
      const after = sgrState(buf.toString('latin1', i + 2, j), ownSgr, state);
      return after === undefined ? undefined : { len: j - i + 1, state: after };
    }
    if (!((c >= 0x30 && c <= 0x39) || c === 0x3b || c === 0x3a)) return undefined;
  }
  return undefined;
}

/**
 * `line` (one line, without its newline) with terminal control sequences shown escaped. `allowSgr`: keep
 * SGR colour sequences (only when kstern itself prints colour); `ownSgr`: SGR parameter strings kstern
 * writes itself, allowed whatever they hold. Returns `line` itself when nothing needs escaping.
 */
export function sanitize(line: Buffer, allowSgr: boolean, ownSgr?: ReadonlySet<string>): Buffer {
  const n = line.length;
  let i = nextSpecial(line, 0, n);
  if (i === n) return line;
  const parts: (Buffer | string)[] = [];
  let start = 0;
  let changed = false;
  let state = 0;
  while (i < n) {
    const b = line[i]!;
    if (b === ESC && allowSgr) {
      const sgr = allowedSgr(line, i, ownSgr, state);
      if (sgr !== undefined) {
        state = sgr.state;
        i = nextSpecial(line, i + sgr.len, n);
        continue;
      }
    }
    if (start < i) parts.push(line.subarray(start, i));
    if (b < 0x80) {
      parts.push(escapeByte(b));
      i++;
    } else {
      const len = utf8Length(line, i);
      if (len === 0) {
        parts.push(escapeByte(b)); // a stray 0x80-0x9f byte
        i++;
      } else {
        // U+0080-U+009F or a bidi control: `\u` and the code point's 4 hex digits.
        const cp = line.toString('utf8', i, i + len).codePointAt(0)!;
        parts.push(`\\u${cp.toString(16).padStart(4, '0')}`);
        i += len;
      }
    }
    start = i;
    changed = true;
    i = nextSpecial(line, i, n);
  }
  if (!changed && state === 0) return line;
  if (start < n) parts.push(line.subarray(start));
  if (state !== 0) parts.push(RESET);
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

/** Characters a JS string may hold that `sanitize` changes (a lone surrogate is written as U+FFFD). */
const UNSAFE_TEXT = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * `sanitize` for text that may hold several lines (a diagnostic, a template's output): each line is
 * sanitised, the newlines between them are kept. Returns `text` itself when nothing needs escaping.
 */
export function sanitizeText(text: string, allowSgr: boolean, ownSgr?: ReadonlySet<string>): string {
  if (!UNSAFE_TEXT.test(text)) return text;
  return text
    .split('\n')
    .map((l) =>
      UNSAFE_TEXT.test(l) ? sanitize(Buffer.from(l, 'utf8'), allowSgr, ownSgr).toString('utf8') : l,
    )
    .join('\n');
}

/** Code points JSON text may carry raw that a terminal acts on: DEL, C1 and the bidi controls. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (Go's encoding, which escapes C0 but not DEL, U+0080-U+009F or bidi controls) with those
 * written as `\u` escapes: still valid JSON, decoding to the same values. Control characters can only
 * be inside strings in valid JSON, so an escape is always read back as the character.
 */
export function sanitizeJSON(text: string): string {
  return text.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A sanitizer for a run: undefined when output goes out byte-exact. */
export function sanitizerFor(o: {
  stdoutIsTTY: boolean;
  sanitizeFlag: boolean;
  color: boolean;
}): ((line: Buffer) => Buffer) | undefined {
  if (!o.stdoutIsTTY && !o.sanitizeFlag) return undefined;
  const allowSgr = o.color;
  return (line) => sanitize(line, allowSgr);
}

/**
 * The sanitizer for diagnostics on one stream (stderr): undefined when that stream is not a terminal and
 * --sanitize is not given. `color`: kstern colours its attach lines, so SGR colours pass; `ownSgr`: the
 * palette's sequences, which pass whatever they hold.
 */
export function textSanitizerFor(o: {
  isTTY: boolean;
  sanitizeFlag: boolean;
  color: boolean;
  ownSgr?: ReadonlySet<string>;
}): ((text: string) => string) | undefined {
  if (!o.isTTY && !o.sanitizeFlag) return undefined;
  const { color, ownSgr } = o;
  return (text) => sanitizeText(text, color, ownSgr);
}
