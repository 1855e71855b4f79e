import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildPalette,
  colorLevel,
  colorsFor,
  DEFAULT_PALETTE,
  fnv1_32,
  paletteSgr,
  parseColorList,
  useColor,
} from '../../../src/output/colors.ts';

describe('fnv1_32', () => {
  const hashes: { s: string; want: number }[] = [
    // Reference values of FNV-1 (not 1a), 32 bit.
    { s: '', want: 0x811c9dc5 },
    { s: 'a', want: 0x050c5d7e },
    { s: 'foobar', want: 0x31f0b262 },
  ];
  for (const c of hashes) it(`hash ${JSON.stringify(c.s)}`, () => assert.equal(fnv1_32(c.s), c.want));

  const indices: { s: string; want: number }[] = [
    { s: 'pod1', want: 1 },
    { s: 'default', want: 2 },
    { s: 'stern', want: 3 },
    { s: 'nginx', want: 3 },
    { s: 'my-container', want: 3 },
    { s: 'container1', want: 3 },
    { s: 'bar', want: 4 },
    { s: 'foo', want: 5 },
    { s: 'my-pod', want: 5 },
    { s: 'kube-system', want: 0 },
  ];
  for (const c of indices)
    it(`${c.s} → index ${c.want} (mod 6)`, () => assert.equal(fnv1_32(c.s) % 6, c.want));

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    // 'é' is c3 a9 in UTF-8: ((offset * p) ^ 0xc3) * p ^ 0xa9
    const p = 16777619;
    let h = 2166136261;
    for (const byte of [0xc3, 0xa9]) h = (Math.imul(h, p) ^ byte) >>> 0;
    assert.equal(fnv1_32('é'), h);
  });
});

describe('colorsFor', () => {
  const cases: { pod: string; container: string; diff: boolean; want: { pod: string; container: string } }[] =
    [
      { pod: 'my-pod', container: 'my-container', diff: false, want: { pod: '91', container: '31' } },
      { pod: 'pod1', container: 'container1', diff: false, want: { pod: '92', container: '32' } },
      { pod: 'pod1', container: 'container1', diff: true, want: { pod: '92', container: '33' } },
      { pod: 'stern', container: 'foo', diff: true, want: { pod: '93', container: '31' } },
      { pod: 'stern', container: 'bar', diff: true, want: { pod: '93', container: '34' } },
      { pod: 'kube-system', container: 'x', diff: false, want: { pod: '96', container: '36' } },
    ];
  for (const c of cases) {
    it(`${c.pod}/${c.container} diff=${c.diff}`, () =>
      assert.deepStrictEqual(colorsFor(c.pod, c.container, DEFAULT_PALETTE, c.diff), c.want));
  }

  it('a custom palette changes the modulus', () => {
    const palette: [string, string][] = [
      ['1', '2'],
      ['3', '4'],
    ];
    // fnv1_32('pod1') % 2
    const i = fnv1_32('pod1') % 2;
    assert.deepStrictEqual(colorsFor('pod1', 'c', palette, false), {
      pod: palette[i]?.[0],
      container: palette[i]?.[1],
    });
  });
});

describe('useColor', () => {
  const cases: {
    mode: 'auto' | 'always' | 'never';
    tty: boolean;
    env: Record<string, string | undefined>;
    want: boolean;
  }[] = [
    { mode: 'always', tty: false, env: { NO_COLOR: '1', TERM: 'dumb' }, want: true },
    { mode: 'never', tty: true, env: { FORCE_COLOR: '1' }, want: false },
    { mode: 'auto', tty: true, env: {}, want: true },
    { mode: 'auto', tty: false, env: {}, want: false },
    { mode: 'auto', tty: true, env: { NO_COLOR: '1' }, want: false },
    { mode: 'auto', tty: true, env: { NO_COLOR: '' }, want: true },
    { mode: 'auto', tty: true, env: { TERM: 'dumb' }, want: false },
    { mode: 'auto', tty: true, env: { TERM: 'xterm-256color' }, want: true },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '1' }, want: true },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '' }, want: true },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '3', NO_COLOR: '1', TERM: 'dumb' }, want: true },
    { mode: 'auto', tty: true, env: { FORCE_COLOR: '0' }, want: false },
    { mode: 'auto', tty: true, env: { FORCE_COLOR: 'false' }, want: false },
  ];
  for (const c of cases) {
    it(`${c.mode} tty=${c.tty} ${JSON.stringify(c.env)} → ${c.want}`, () =>
      assert.equal(useColor(c.mode, c.tty, c.env), c.want));
  }
});

describe('colorLevel: --color, TTY, NO_COLOR, FORCE_COLOR 0-3, TERM, COLORTERM', () => {
  const cases: {
    mode: 'auto' | 'always' | 'never';
    tty: boolean;
    env: Record<string, string | undefined>;
    want: 0 | 1 | 2 | 3;
  }[] = [
    { mode: 'never', tty: true, env: { FORCE_COLOR: '3', COLORTERM: 'truecolor' }, want: 0 },
    { mode: 'always', tty: false, env: {}, want: 3 }, // user colours pass unchanged
    { mode: 'always', tty: false, env: { FORCE_COLOR: '1' }, want: 1 },
    { mode: 'always', tty: false, env: { FORCE_COLOR: '2' }, want: 2 },
    { mode: 'always', tty: false, env: { FORCE_COLOR: '0' }, want: 3 }, // --color always wins
    { mode: 'auto', tty: false, env: {}, want: 0 },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '0' }, want: 0 },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '1' }, want: 1 },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '2' }, want: 2 },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '3' }, want: 3 },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '7' }, want: 3 },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: '' }, want: 1 },
    { mode: 'auto', tty: false, env: { FORCE_COLOR: 'true' }, want: 1 },
    { mode: 'auto', tty: true, env: { FORCE_COLOR: 'false' }, want: 0 },
    { mode: 'auto', tty: true, env: { FORCE_COLOR: '1', COLORTERM: 'truecolor' }, want: 1 },
    { mode: 'auto', tty: true, env: { TERM: 'xterm' }, want: 1 },
    { mode: 'auto', tty: true, env: {}, want: 1 },
    { mode: 'auto', tty: true, env: { TERM: 'xterm-256color' }, want: 2 },
    { mode: 'auto', tty: true, env: { TERM: 'screen-256color' }, want: 2 },
    { mode: 'auto', tty: true, env: { TERM: 'xterm-256color', COLORTERM: 'truecolor' }, want: 3 },
    { mode: 'auto', tty: true, env: { TERM: 'xterm', COLORTERM: '24bit' }, want: 3 },
    { mode: 'auto', tty: true, env: { TERM: 'xterm-kitty' }, want: 3 },
    { mode: 'auto', tty: true, env: { TERM_PROGRAM: 'Apple_Terminal' }, want: 2 },
    { mode: 'auto', tty: true, env: { TERM: 'dumb', COLORTERM: 'truecolor' }, want: 0 },
    { mode: 'auto', tty: true, env: { NO_COLOR: '1', COLORTERM: 'truecolor' }, want: 0 },
  ];
  for (const c of cases) {
    it(`${c.mode} tty=${c.tty} ${JSON.stringify(c.env)} → ${c.want}`, () =>
      assert.equal(colorLevel(c.mode, c.tty, c.env), c.want));
  }
});

describe('parseColorList: names and hex beside SGR codes', () => {
  const ok: { s: string; want: string[] }[] = [
    { s: 'red,green,cyanBright', want: ['31', '32', '96'] },
    { s: 'RED, Gray ,grey', want: ['31', '90', '90'] },
    { s: '#ff6188', want: ['38;2;255;97;136'] },
    { s: '#F68', want: ['38;2;255;102;136'] },
    { s: '91,#78dce8,magenta', want: ['91', '38;2;120;220;232', '35'] },
  ];
  for (const c of ok) it(JSON.stringify(c.s), () => assert.deepStrictEqual(parseColorList(c.s), c.want));
  for (const s of ['crimson', '#ff618', '#gg6188', 'red;1'])
    it(`rejects ${JSON.stringify(s)}`, () =>
      assert.throws(() => parseColorList(s), /is not an SGR parameter .*a name \(red, .*a hex color/));
});

describe('parseColorList', () => {
  const ok: { s: string; want: string[] }[] = [
    { s: '91,92,93', want: ['91', '92', '93'] },
    { s: '4;91', want: ['4;91'] },
    { s: '38;2;255;97;136', want: ['38;2;255;97;136'] },
    { s: '  91 ,\t92\t', want: ['91', '92'] },
    { s: ' 4 ; 91 ', want: ['4;91'] },
    { s: '007', want: ['7'] },
    { s: '', want: [] },
    { s: '  ', want: [] },
  ];
  for (const c of ok) it(JSON.stringify(c.s), () => assert.deepStrictEqual(parseColorList(c.s), c.want));

  const bad: { s: string; msg: RegExp }[] = [
    { s: 'a', msg: /invalid color "a": "a" is not an SGR parameter \(an integer 0-255\)/ },
    { s: '91,,92', msg: /invalid color "": "" is not/ },
    { s: '91;', msg: /invalid color "91;": "" is not/ },
    { s: '256', msg: /invalid color "256"/ },
    { s: '-1', msg: /invalid color "-1"/ },
    { s: '1.5', msg: /invalid color "1.5"/ },
    { s: '9 1', msg: /invalid color "9 1"/ },
    // SGR parameters chalk has no style for, and 38/48 without their values
    { s: '5;91', msg: /invalid color "5;91": "5" \(blink\) is not a colour or style kstern can write/ },
    { s: '11', msg: /invalid color "11": "11" is not a colour or style/ },
    { s: '38', msg: /invalid color "38": "38" must be followed by 5;<0-255> or 2;<r>;<g>;<b>/ },
    { s: '48;5', msg: /invalid color "48;5": "48" must be followed/ },
    { s: '38;2;1;2', msg: /invalid color "38;2;1;2": "38" must be followed/ },
  ];
  for (const c of bad)
    it(`rejects ${JSON.stringify(c.s)}`, () => assert.throws(() => parseColorList(c.s), c.msg));
});

describe('paletteSgr: the sequences chalk writes for a palette, for the sanitiser', () => {
  it('each style opened and closed on its own', () =>
    assert.deepStrictEqual([...paletteSgr([['7;96', '38;2;255;97;136']])].sort(), [
      '27',
      '38;2;255;97;136',
      '39',
      '7',
      '96',
    ]));
});

describe('buildPalette (stern parseColors)', () => {
  it('pairs pod and container colours', () =>
    assert.deepStrictEqual(buildPalette(['91', '92'], ['31', '32']), [
      ['91', '31'],
      ['92', '32'],
    ]));
  it('reuses pod colours for containers when none are given', () =>
    assert.deepStrictEqual(buildPalette(['91', '4;92'], []), [
      ['91', '91'],
      ['4;92', '4;92'],
    ]));
  it('is the default palette when neither is given', () =>
    assert.deepStrictEqual(buildPalette([], []), DEFAULT_PALETTE));
  it('rejects container colours alone', () =>
    assert.throws(() => buildPalette([], ['31']), /pod-colors must not be empty/));
  it('rejects different lengths', () =>
    assert.throws(
      () => buildPalette(['91'], ['31', '32']),
      /pod-colors and container-colors must have the same length/,
    ));
});
