// Colours are written by chalk. A colour is given the way stern takes it, as SGR parameters ('96',
// '31;1', '38;5;208', '38;2;255;97;136'); each parameter maps onto one chalk style, and the chain is
// built once per colour and level (`new Chalk({ level })`, never chalk's default instance, which reads
// argv and the environment itself). Chalk writes each style as its own sequence and closes it with that
// style's own reset (`\x1b[91m\x1b[1mx\x1b[22m\x1b[39m`), and converts truecolor to what the level shows.

import {
  type BackgroundColorName,
  Chalk,
  type ChalkInstance,
  type ForegroundColorName,
  type ModifierName,
} from 'chalk';

/** Writes a colour around a text: `paint('web-1')` → `\x1b[96mweb-1\x1b[39m`. */
export type Paint = (text: string) => string;

/** How many colours to write: 0 none, 1 the 16 ANSI colours, 2 the 256-colour palette, 3 truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

type StyleName = ModifierName | ForegroundColorName | BackgroundColorName;

/** One SGR parameter as a chalk style: a named style, a 256-colour index or an RGB colour. */
type Step =
  | { name: StyleName }
  | { ansi256: number; bg: boolean }
  | { rgb: readonly [number, number, number]; bg: boolean };

const FG: ForegroundColorName[] = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const BG: BackgroundColorName[] = [
  'bgBlack',
  'bgRed',
  'bgGreen',
  'bgYellow',
  'bgBlue',
  'bgMagenta',
  'bgCyan',
  'bgWhite',
];

/** The SGR parameters chalk has a style for (all but 38/48, which take values). */
const NAMED = new Map<number, StyleName>([
  [0, 'reset'],
  [1, 'bold'],
  [2, 'dim'],
  [3, 'italic'],
  [4, 'underline'],
  [7, 'inverse'],
  [8, 'hidden'],
  [9, 'strikethrough'],
  [53, 'overline'],
  ...FG.map((n, i) => [30 + i, n] as const),
  ...FG.map((n, i) => [90 + i, `${n}Bright` as ForegroundColorName] as const),
  ...BG.map((n, i) => [40 + i, n] as const),
  ...BG.map((n, i) => [100 + i, `${n}Bright` as BackgroundColorName] as const),
]);

/** Parameters that turn an attribute off (22 bold and dim, 39 the colour, …): alone, they paint nothing. */
const OFF = new Set([22, 23, 24, 25, 27, 28, 29, 39, 49, 55]);

const DESCRIBED: Record<number, string> = { 5: 'blink', 6: 'rapid blink' };

/**
 * The chalk styles of an SGR parameter string ('' is 0, a reset). A parameter chalk has no style for
 * (blink, fonts, …), or a 38/48 without its values, is an error naming it when `strict`, else left out.
 */
function steps(params: string, strict: boolean): Step[] {
  const ps = params === '' ? [0] : params.split(';').map(Number);
  const out: Step[] = [];
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    const name = NAMED.get(p);
    if (name !== undefined) {
      out.push({ name });
      continue;
    }
    if (p === 38 || p === 48) {
      const bg = p === 48;
      const v = ps.slice(i + 2, i + (ps[i + 1] === 5 ? 3 : 5));
      if (ps[i + 1] === 5 && v.length === 1 && v[0]! <= 255) {
        out.push({ ansi256: v[0]!, bg });
        i += 2;
        continue;
      }
      if (ps[i + 1] === 2 && v.length === 3 && v.every((x) => x <= 255)) {
        out.push({ rgb: [v[0]!, v[1]!, v[2]!], bg });
        i += 4;
        continue;
      }
      if (strict) throw new Error(`"${p}" must be followed by 5;<0-255> or 2;<r>;<g>;<b>`);
      break; // the values that follow cannot be told from parameters
    }
    if (OFF.has(p)) continue;
    if (strict) {
      const what = DESCRIBED[p] === undefined ? '' : ` (${DESCRIBED[p]})`;
      throw new Error(`"${p}"${what} is not a colour or style kstern can write`);
    }
  }
  return out;
}

/**
 * Throws when kstern cannot write these SGR parameters: each must be a style chalk has (0 reset, 1 bold,
 * 2 dim, 3 italic, 4 underline, 7 inverse, 8 hidden, 9 strikethrough, 53 overline), a colour (30-37,
 * 90-97, 40-47, 100-107, 38;5;n, 38;2;r;g;b, 48;…) or an attribute's reset (22-29, 39, 49, 55).
 */
export function checkSgr(params: string): void {
  steps(params, true);
}

const CHALKS = new Map<ColorLevel, ChalkInstance>();

function chalkAt(level: ColorLevel): ChalkInstance {
  let c = CHALKS.get(level);
  if (c === undefined) CHALKS.set(level, (c = new Chalk({ level })));
  return c;
}

/**
 * The Paint of SGR parameters at a colour level (0: the text unchanged). A parameter chalk has no style
 * for is left out. Truecolor becomes the nearest 256-colour code at level 2 and the nearest of the 16
 * colours at level 1 (chalk's conversion); a 256-colour code goes through its RGB value at level 1.
 */
export function paintSgr(params: string, level: ColorLevel): Paint {
  let c = chalkAt(level);
  for (const s of steps(params, false)) {
    if ('name' in s) c = c[s.name];
    else if ('ansi256' in s && level !== 1) c = s.bg ? c.bgAnsi256(s.ansi256) : c.ansi256(s.ansi256);
    else {
      const [r, g, b] = 'rgb' in s ? s.rgb : ansi256ToRgb(s.ansi256);
      c = s.bg ? c.bgRgb(r, g, b) : c.rgb(r, g, b);
    }
  }
  const chain = c;
  return (text) => chain(text);
}

const PAINTERS = new Map<ColorLevel, (params: string) => Paint>();

/** Paints by SGR parameters at one level, each colour's Paint built once (shared by all callers). */
export function painter(level: ColorLevel): (params: string) => Paint {
  let p = PAINTERS.get(level);
  if (p === undefined) {
    const cache = new Map<string, Paint>();
    p = (params) => {
      let paint = cache.get(params);
      if (paint === undefined) cache.set(params, (paint = paintSgr(params, level)));
      return paint;
    };
    PAINTERS.set(level, p);
  }
  return p;
}

/** The RGB of a 256-colour palette index: the 16 ANSI colours (xterm's), the 6×6×6 cube, the greys. */
function ansi256ToRgb(n: number): [number, number, number] {
  if (n < 16) {
    const base: [number, number, number][] = [
      [0, 0, 0],
      [205, 0, 0],
      [0, 205, 0],
      [205, 205, 0],
      [0, 0, 238],
      [205, 0, 205],
      [0, 205, 205],
      [229, 229, 229],
      [127, 127, 127],
      [255, 0, 0],
      [0, 255, 0],
      [255, 255, 0],
      [92, 92, 255],
      [255, 0, 255],
      [0, 255, 255],
      [255, 255, 255],
    ];
    return base[n]!;
  }
  if (n >= 232) {
    const g = 8 + (n - 232) * 10;
    return [g, g, g];
  }
  const steps = [0, 95, 135, 175, 215, 255];
  const i = n - 16;
  return [steps[Math.floor(i / 36)]!, steps[Math.floor(i / 6) % 6]!, steps[i % 6]!];
}
