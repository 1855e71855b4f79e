// Terminal safety. Log content is untrusted: a container can write escape sequences that, sent raw to a
// terminal, rewrite the screen, move the cursor over earlier lines, set the window title (OSC 0/2), write
// to the clipboard (OSC 52), hide text (CR, backspace, "conceal" via cursor moves) or, on some terminals,
// answer back into the input (CVE-2021-25743 class, also kubectl's).
//
// When stdout is a terminal (or with --sanitize), every such byte is shown escaped instead:
//   - C0 controls except TAB (0x00-0x1f, so also CR, BS, BEL) and DEL (0x7f) become `\xNN`;
//     ESC becomes `\x1b`, so `ESC ] 52 ; …` prints as `\x1b]52;…`;
//   - C1 controls encoded as UTF-8 (U+0080-U+009F, e.g. U+009B, an 8-bit CSI) become `\u00NN`;
//   - with colour on, SGR sequences (`ESC [ <digits ; :> m`: colours, bold, reset) pass untouched, so
//     coloured application logs stay coloured; every other ESC sequence is escaped.
// Piped or redirected output is byte-exact unless --sanitize is given.
// Cost: one scan of the line; a line without any control byte is returned as is (same Buffer).

const ESC = 0x1b;
const TAB = 0x09;
const DEL = 0x7f;
const HEX = '0123456789abcdef';

function escapeByte(b: number): string {
  return `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
}

/** Length of an SGR sequence (`ESC [ [0-9;:]* m`) starting at `i`, or 0. */
function sgrLength(buf: Buffer, i: number): number {
  if (buf[i + 1] !== 0x5b) return 0; // '['
  let j = i + 2;
  // Real SGR sequences are short; a long run of parameters is not worth trusting.
  const end = Math.min(buf.length, i + 64);
  while (j < end) {
    const c = buf[j]!;
    if (c === 0x6d) return j - i + 1; // 'm'
    if ((c >= 0x30 && c <= 0x39) || c === 0x3b || c === 0x3a) {
      j++;
      continue;
    }
    return 0;
  }
  return 0;
}

/** Whether byte `i` needs escaping (or an SGR check): the fast-path test. */
function isSpecial(buf: Buffer, i: number): boolean {
  const b = buf[i]!;
  if (b < 0x20) return b !== TAB;
  if (b === DEL) return true;
  if (b === 0xc2) {
    const n = buf[i + 1];
    return n !== undefined && n >= 0x80 && n <= 0x9f;
  }
  return false;
}

/**
 * `line` with terminal control sequences shown escaped. `allowSgr`: keep SGR colour sequences (only
 * when kstern itself prints colour). Returns `line` itself when nothing needs escaping.
 */
export function sanitize(line: Buffer, allowSgr: boolean): Buffer {
  const n = line.length;
  let i = 0;
  for (; i < n; i++) if (isSpecial(line, i)) break;
  if (i === n) return line;
  const parts: (Buffer | string)[] = [];
  let start = 0;
  let changed = false;
  while (i < n) {
    if (!isSpecial(line, i)) {
      i++;
      continue;
    }
    const b = line[i]!;
    if (b === ESC && allowSgr) {
      const len = sgrLength(line, i);
      if (len > 0) {
        i += len;
        continue;
      }
    }
    if (start < i) parts.push(line.subarray(start, i));
    if (b === 0xc2) {
      parts.push(`\\u00${HEX[line[i + 1]! >> 4]}${HEX[line[i + 1]! & 15]}`);
      i += 2;
    } else {
      parts.push(escapeByte(b));
      i++;
    }
    start = i;
    changed = true;
  }
  if (!changed) return line;
  if (start < n) parts.push(line.subarray(start));
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
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
