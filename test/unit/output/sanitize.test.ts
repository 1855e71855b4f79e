// The sanitiser's gaps of issue 7 (point 7) and its properties: for any bytes, nothing in the output can
// change the terminal's state beyond the allowed SGR colours, and printable input goes out untouched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sanitize, sanitizeText } from '../../../src/output/sanitize.ts';

const b = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const s = (buf: Buffer): string => buf.toString('latin1');

describe('sanitize: raw C1 bytes', () => {
  it('escapes a raw 0x9b (8-bit CSI, not valid UTF-8)', () => {
    assert.equal(s(sanitize(b('a', [0x9b], '2Jb'), false)), 'a\\x9b2Jb');
    assert.equal(s(sanitize(b('a', [0x9b], '2Jb'), true)), 'a\\x9b2Jb');
  });
  it('escapes every stray 0x80-0x9f byte, keeps stray 0xa0-0xff bytes', () => {
    assert.equal(s(sanitize(b([0x80, 0x9f, 0xa0, 0xff]), false)), `\\x80\\x9f${s(b([0xa0, 0xff]))}`);
  });
  it('keeps 0x80-0x9f bytes that continue a valid UTF-8 sequence', () => {
    const line = b('‛ ḛ 𝄞 é'); // E2 80 9B, E1 B8 9B, F0 9D 84 9E, C3 A9
    assert.equal(sanitize(line, false), line);
  });
  it('escapes the 0x9b after a lead byte that cannot take it (E0 9B, ED A0 is a surrogate)', () => {
    assert.equal(s(sanitize(b([0xe0, 0x9b, 0x41]), false)), `${s(b([0xe0]))}\\x9bA`);
    assert.equal(s(sanitize(b([0xed, 0xa0, 0x80]), false)), `${s(b([0xed, 0xa0]))}\\x80`);
  });
  it('escapes a lead byte cut off at the end of the line only if it is 0x80-0x9f', () => {
    assert.equal(s(sanitize(b('x', [0xc3]), false)), `x${s(b([0xc3]))}`);
  });
});

describe('sanitize: bidi controls', () => {
  const cases: [string, string][] = [
    ['\u202a', '\\u202a'],
    ['\u202b', '\\u202b'],
    ['\u202c', '\\u202c'],
    ['\u202d', '\\u202d'],
    ['\u202e', '\\u202e'],
    ['\u2066', '\\u2066'],
    ['\u2067', '\\u2067'],
    ['\u2068', '\\u2068'],
    ['\u2069', '\\u2069'],
  ];
  for (const [cp, want] of cases) {
    it(`escapes U+${cp.codePointAt(0)!.toString(16).toUpperCase()}`, () => {
      assert.equal(s(sanitize(b(`user=${cp}nimda${cp}`), true)), `user=${want}nimda${want}`);
    });
  }
  it('keeps neighbouring code points (U+2029, U+202F, U+2065, U+206A) as they are', () => {
    const line = b('\u2029\u202f\u2065\u206a');
    assert.equal(sanitize(line, true), line);
  });
});

describe('sanitize: SGR parameters (colour on)', () => {
  const passes: [string, string][] = [
    ['reset, bold, dim, italic, underline and their resets', '\x1b[1;2;3;4mx\x1b[22;23;24m\x1b[0m'],
    ['empty reset', '\x1b[31mx\x1b[m'],
    ['16 colours', '\x1b[30;37;39;40;47;49;90;97;100;107mx\x1b[0m'],
    ['256 colours', '\x1b[38;5;208;48;5;0mx\x1b[0m'],
    ['truecolour', '\x1b[38;2;255;97;136;48;2;0;0;0mx\x1b[0m'],
    ['colon forms', '\x1b[38:5:208m\x1b[38:2::1:2:3m\x1b[48:2:1:2:3mx\x1b[0m'],
    ["fatih/color's own wrap", '\x1b[31;1mx\x1b[0;22m'],
  ];
  for (const [name, line] of passes) {
    it(`passes ${name}`, () => assert.equal(s(sanitize(b(line), true)), line));
  }
  const escaped: [string, string][] = [
    ['8 (conceal)', '\x1b[8m'],
    ['8 among colours', '\x1b[31;8m'],
    ['5 (blink)', '\x1b[5m'],
    ['7 (reverse)', '\x1b[7m'],
    ['9 (crossed out)', '\x1b[9m'],
    ['a font (11)', '\x1b[11m'],
    ['256 colours out of range', '\x1b[38;5;256m'],
    ['truecolour cut short', '\x1b[38;2;1;2m'],
    ['38 alone', '\x1b[38m'],
    ['a colon outside 38/48', '\x1b[4:3m'],
  ];
  for (const [name, seq] of escaped) {
    it(`escapes ${name} whole`, () => {
      assert.equal(s(sanitize(b(`${seq}secret`), true)), `\\x1b${seq.slice(1)}secret`);
    });
  }
  it('a concealed line stays escaped and the reset after it passes', () => {
    assert.equal(s(sanitize(b('\x1b[8msecret\x1b[0m'), true)), '\\x1b[8msecret\x1b[0m');
  });
});

describe('sanitize: no colour leaks into the next line', () => {
  const cases: [string, string, string][] = [
    ['colour left on', '\x1b[31mred', '\x1b[31mred\x1b[0m'],
    ['only bold turned off', '\x1b[1;31mx\x1b[22m', '\x1b[1;31mx\x1b[22m\x1b[0m'],
    ['colour after the reset', '\x1b[0m\x1b[32mok', '\x1b[0m\x1b[32mok\x1b[0m'],
    ['reset and colour in one', '\x1b[0;32mok', '\x1b[0;32mok\x1b[0m'],
    ['colour and escapes', '\x1b[31m\x1b]0;t\x07', '\x1b[31m\\x1b]0;t\\x07\x1b[0m'],
    [
      'bold left on after the colour is closed',
      '\x1b[1m\x1b[31mx\x1b[39m',
      '\x1b[1m\x1b[31mx\x1b[39m\x1b[0m',
    ],
    ['the background left on', '\x1b[31;44mx\x1b[39m', '\x1b[31;44mx\x1b[39m\x1b[0m'],
  ];
  for (const [name, line, want] of cases) {
    it(`appends a reset: ${name}`, () => assert.equal(s(sanitize(b(line), true)), want));
  }
  it('adds nothing when the line ends in the default state (same Buffer)', () => {
    for (const line of [
      '\x1b[31mred\x1b[0m',
      '\x1b[31mx\x1b[0m tail',
      '\x1b[1mx\x1b[0;22m',
      '\x1b[22m',
      // each attribute closed by its own reset, as chalk writes them
      '\x1b[31mred\x1b[39m',
      '\x1b[31m\x1b[1mx\x1b[22m\x1b[39m tail',
      '\x1b[1m\x1b[2mx\x1b[22m',
      '\x1b[3m\x1b[4m\x1b[44m\x1b[38;5;208mx\x1b[39m\x1b[49m\x1b[24m\x1b[23m',
      '\x1b[38:2::1:2:3mx\x1b[39m',
    ]) {
      const buf = b(line);
      assert.equal(sanitize(buf, true), buf, JSON.stringify(line));
    }
  });
});

describe('sanitize: kstern own colours (ownSgr)', () => {
  const own = new Set(['7', '27', '91', '39']);
  it('passes them whatever they hold; the resets after them count', () => {
    const line = b('\x1b[7m\x1b[91mpod\x1b[39m\x1b[27m');
    assert.equal(sanitize(line, true, own), line);
  });
  it('an own attribute left on gets the reset', () => {
    assert.equal(s(sanitize(b('\x1b[7mpod'), true, own)), '\x1b[7mpod\x1b[0m');
  });
  it('still escapes them without the set', () => {
    assert.equal(s(sanitize(b('\x1b[7mpod'), true)), '\\x1b[7mpod');
  });
});

describe('sanitizeText', () => {
  it('sanitises each line and keeps the newlines', () => {
    assert.equal(sanitizeText('a\x1b]0;x\x07\nb\u202e\n', false), 'a\\x1b]0;x\\x07\nb\\u202e\n');
  });
  it('returns plain text as it is', () => {
    const t = 'failed to tail default/web-1 › app: pods "web-1" not found, will retry\n';
    assert.equal(sanitizeText(t, false), t);
  });
});

// ---- properties ----

/**
 * An independent model of an allowed SGR parameter list: the attributes left on after it (from `on`),
 * or undefined when it is not allowed. Attributes by name: fg, bg, intensity (1, 2), italic, underline.
 */
function modelSgr(params: string, on: ReadonlySet<string>): Set<string> | undefined {
  const state = new Set(on);
  const ps = params.split(';');
  for (let k = 0; k < ps.length; k++) {
    const p = ps[k]!;
    if (p.includes(':')) {
      const sub = p.split(':');
      if (!/^[34]8$/.test(sub[0]!) || !(sub[1] === '5' || sub[1] === '2')) return undefined;
      if (sub.slice(-3).some((v) => v === '' || Number(v) > 255)) return undefined;
      state.add(sub[0] === '38' ? 'fg' : 'bg');
      continue;
    }
    const v = Number(p || '0');
    if (v === 38 || v === 48) {
      const n = ps[k + 1] === '5' ? 1 : ps[k + 1] === '2' ? 3 : 0;
      const vals = ps.slice(k + 2, k + 2 + n);
      if (n === 0 || vals.length !== n || vals.some((x) => x === '' || Number(x) > 255)) return undefined;
      k += n + 1;
      state.add(v === 38 ? 'fg' : 'bg');
    } else if (v === 0) state.clear();
    else if (v === 1 || v === 2) state.add('intensity');
    else if (v === 3) state.add('italic');
    else if (v === 4) state.add('underline');
    else if (v === 22) state.delete('intensity');
    else if (v === 23) state.delete('italic');
    else if (v === 24) state.delete('underline');
    else if (v === 39) state.delete('fg');
    else if (v === 49) state.delete('bg');
    else if ((v >= 30 && v <= 37) || (v >= 90 && v <= 97)) state.add('fg');
    else if ((v >= 40 && v <= 47) || (v >= 100 && v <= 107)) state.add('bg');
    else return undefined;
  }
  return state;
}

/** Throws unless `out` is safe for a terminal (see the file's header). */
function assertSafe(out: Buffer, allowSgr: boolean): void {
  let on = new Set<string>();
  for (let i = 0; i < out.length; ) {
    const c = out[i]!;
    if (c === 0x1b) {
      const m = /^\x1b\[([0-9;:]*)m/.exec(out.toString('latin1', i, i + 80));
      assert.ok(allowSgr && m, `ESC at ${i} that does not start an SGR: ${JSON.stringify(s(out))}`);
      const after = modelSgr(m[1]!, on);
      assert.ok(after !== undefined, `SGR not allowed: ${JSON.stringify(m[0])}`);
      on = after;
      i += m[0].length;
      continue;
    }
    assert.ok(c >= 0x20 || c === 0x09, `C0 control 0x${c.toString(16)} at ${i}`);
    assert.notEqual(c, 0x7f, `DEL at ${i}`);
    if (c < 0x80) {
      i++;
      continue;
    }
    // A valid UTF-8 sequence (decoded strictly), or a stray byte 0xa0-0xff.
    let len = 0;
    for (let n = 2; n <= 4 && len === 0; n++) {
      if (i + n > out.length) break;
      try {
        const t = new TextDecoder('utf-8', { fatal: true }).decode(out.subarray(i, i + n));
        if ([...t].length === 1) len = n;
      } catch {}
    }
    if (len === 0) {
      assert.ok(c >= 0xa0, `raw C1 byte 0x${c.toString(16)} at ${i}`);
      i++;
      continue;
    }
    const cp = out.toString('utf8', i, i + len).codePointAt(0)!;
    assert.ok(!(cp >= 0x80 && cp <= 0x9f), `UTF-8 C1 U+${cp.toString(16)}`);
    assert.ok(
      !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069),
      `bidi U+${cp.toString(16)}`,
    );
    i += len;
  }
  assert.equal(on.size, 0, `colour left on at the end: ${JSON.stringify(s(out))}`);
}

/** Bytes with a bias towards the interesting ones: escape sequences, C1, bidi, UTF-8 fragments. */
const TOKENS = [
  '\x1b',
  '\x1b[',
  'm',
  ';',
  ':',
  '31',
  '8',
  '0',
  '38;5;',
  '38;2;',
  '255',
  '\x1b[0m',
  '\x1b[31m',
  '\x1b[39m',
  '\x1b[1m',
  '\x1b[22m',
  '\x1b[44m',
  '\x1b[8m',
  '\x1b]52;c;',
  '\x07',
  '\t',
  '\r',
  '\u009b',
  '\u202e',
  '\u2066',
  '‛',
  'é',
].map((t) => [...Buffer.from(t, 'utf8')]);
const hostileBytes = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((x) => [x]),
      fc.constantFrom(...TOKENS),
      fc.constantFrom([0x9b], [0x80], [0xc2], [0xe2], [0xe2, 0x80], [0xf0, 0x9f]),
    ),
    { maxLength: 40 },
  )
  .map((chunks) => Buffer.from(chunks.flat()));

describe('sanitize properties', () => {
  it('for any bytes, the output cannot change the terminal beyond allowed SGR colours', () => {
    fc.assert(
      fc.property(hostileBytes, fc.boolean(), (line, allowSgr) => {
        assertSafe(sanitize(line, allowSgr), allowSgr);
      }),
      { numRuns: 2000 },
    );
  });

  it('for any bytes, sanitising twice is sanitising once', () => {
    fc.assert(
      fc.property(hostileBytes, fc.boolean(), (line, allowSgr) => {
        const once = sanitize(line, allowSgr);
        assert.deepEqual(sanitize(once, allowSgr), once);
      }),
      { numRuns: 1000 },
    );
  });

  it('is the identity (the same Buffer) on printable text', () => {
    const printable = fc
      .string({ unit: 'grapheme', maxLength: 60 })
      .map((t) => t.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ''));
    fc.assert(
      fc.property(printable, fc.boolean(), (text, allowSgr) => {
        const line = Buffer.from(text, 'utf8');
        assert.equal(sanitize(line, allowSgr), line);
        assert.equal(sanitizeText(text, allowSgr), text);
      }),
      { numRuns: 1000 },
    );
  });
});
