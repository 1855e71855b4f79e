// Colours as stern picks them: FNV-1 of the pod name into a palette of (pod, container) colours, each an
// SGR parameter string such as '96' or '31;1' (stern's form, also what templates see as .PodColor).
// chalk writes them (paint.ts) at the colour level decided here from the terminal and --color; user
// colours given as names or hex are turned into SGR parameters by chalk too (`new Chalk({ level })`,
// never its default instance, which reads argv and the environment itself).
import { Chalk, type ForegroundColorName, foregroundColorNames } from 'chalk';
import { type ColorLevel, checkSgr, paintSgr } from './paint.ts';

export type { ColorLevel };

export type Palette = readonly (readonly [pod: string, container: string])[];

/** stern's default pairs: HiCyan/Cyan, HiGreen/Green, HiMagenta/Magenta, HiYellow/Yellow, HiBlue/Blue, HiRed/Red. */
export const DEFAULT_PALETTE: [string, string][] = [
  ['96', '36'],
  ['92', '32'],
  ['95', '35'],
  ['93', '33'],
  ['94', '34'],
  ['91', '31'],
];

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

/** 32-bit FNV-1 (multiply, then xor; Go's hash/fnv.New32) over the UTF-8 bytes of `s`. */
export function fnv1_32(s: string): number {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(s, 'utf8')) h = (Math.imul(h, FNV_PRIME) ^ byte) >>> 0;
  return h;
}

/**
 * The SGR sequences (their parameters) chalk writes for a palette's colours, opening and closing: what
 * the sanitiser lets through as kstern's own whatever they hold (inverse, say). Painted at truecolor; at
 * a lower level the colours differ, but they are colours, which the sanitiser lets through anyway.
 */
export function paletteSgr(palette: Palette): Set<string> {
  const own = new Set<string>();
  for (const pair of palette)
    for (const p of pair) for (const m of paintSgr(p, 3)('x').matchAll(/\x1b\[([\d;]*)m/g)) own.add(m[1]!);
  return own;
}

/** The pod and container colours of a target: the pod name's pair, or with `diffContainer` the container's own. */
export function colorsFor(
  pod: string,
  container: string,
  palette: Palette,
  diffContainer: boolean,
): { pod: string; container: string } {
  const pair = palette[fnv1_32(pod) % palette.length]!;
  const containerPair = diffContainer ? palette[fnv1_32(container) % palette.length]! : pair;
  return { pod: pair[0], container: containerPair[1] };
}

/**
 * FORCE_COLOR as Node reads it: '' or 'true' → 1, 'false' → 0, a number → that level (above 3 is 3),
 * anything else turns colour on (1); unset → undefined.
 */
function forcedLevel(v: string | undefined): ColorLevel | undefined {
  if (v === undefined) return undefined;
  if (v === 'false') return 0;
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n)) return 1;
  return Math.max(0, Math.min(3, n)) as ColorLevel;
}

/**
 * The colours a terminal shows, from its environment: truecolor with COLORTERM=truecolor or 24bit, kitty,
 * Ghostty, WezTerm or iTerm; 256 with a TERM ending in -256color (or -256) and in Apple's Terminal;
 * otherwise the 16 ANSI colours.
 */
function terminalLevel(env: Record<string, string | undefined>): 1 | 2 | 3 {
  const colorterm = env['COLORTERM']?.toLowerCase();
  const term = env['TERM']?.toLowerCase() ?? '';
  const program = env['TERM_PROGRAM'];
  if (colorterm === 'truecolor' || colorterm === '24bit') return 3;
  if (term === 'xterm-kitty' || term === 'xterm-ghostty' || term === 'wezterm') return 3;
  if (program === 'iTerm.app' || program === 'WezTerm' || program === 'ghostty') return 3;
  if (/-256(color)?$/.test(term) || program === 'Apple_Terminal') return 2;
  return 1;
}

/**
 * The colour level to write at. `never`: 0. `always`: FORCE_COLOR's level when it is 1-3, else truecolor
 * (user colours pass unchanged). `auto`: FORCE_COLOR wins when set (0 or 'false' → no colour);
 * otherwise none unless a TTY with NO_COLOR unset or empty and TERM not 'dumb', and then what the
 * terminal shows (terminalLevel).
 */
export function colorLevel(
  mode: 'auto' | 'always' | 'never',
  isTTY: boolean,
  env: Record<string, string | undefined>,
): ColorLevel {
  if (mode === 'never') return 0;
  const forced = forcedLevel(env['FORCE_COLOR']);
  if (mode === 'always') return forced || 3;
  if (forced !== undefined) return forced;
  if (!isTTY || env['NO_COLOR'] || env['TERM'] === 'dumb') return 0;
  return terminalLevel(env);
}

/** Whether to colour at all: colorLevel above 0. */
export function useColor(
  mode: 'auto' | 'always' | 'never',
  isTTY: boolean,
  env: Record<string, string | undefined>,
): boolean {
  return colorLevel(mode, isTTY, env) > 0;
}

const SGR_PARAM = /^\d+$/;

/**
 * `--pod-colors` / `--container-colors`: a comma list of colours, each an SGR sequence as stern takes it
 * (`;`-separated integers 0–255, spaces around parts ignored, each one chalk can write: see checkSgr), a
 * chalk colour name (`red`, `cyanBright`, `gray`; any case) or a hex colour (`#ff6188`, `#f68`). Returns
 * SGR sequences: stern's normalised (' 4 ; 91 ' → '4;91'), names as chalk writes them (red → '31'), hex
 * as truecolor ('38;2;255;97;136'; chalk brings it to the terminal's level when it paints). An empty
 * string is an empty list.
 */
export function parseColorList(s: string): string[] {
  if (s.trim() === '') return [];
  return s.split(',').map((item) => colorSpec(item) ?? sgrSequence(item));
}

/** The SGR parameters chalk opens a styled 'x' with: '\x1b[38;5;204mx\x1b[39m' → '38;5;204'. */
function openParams(styled: string): string {
  return /^\x1b\[([\d;]+)m/.exec(styled)![1]!;
}

const TRUECOLOR = new Chalk({ level: 3 });
const NAMES = new Map<string, ForegroundColorName>(foregroundColorNames.map((n) => [n.toLowerCase(), n]));
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** A colour name or hex colour as SGR parameters; undefined for anything else. */
function colorSpec(item: string): string | undefined {
  const s = item.trim();
  if (HEX.test(s)) return openParams(TRUECOLOR.hex(s)('x'));
  const name = NAMES.get(s.toLowerCase());
  return name === undefined ? undefined : openParams(TRUECOLOR[name]('x'));
}

function sgrSequence(item: string): string {
  const params = item
    .split(';')
    .map((raw) => {
      const part = raw.trim();
      const n = SGR_PARAM.test(part) ? Number(part) : Number.NaN;
      if (!(n <= 255)) {
        throw new Error(
          `invalid color "${item.trim()}": "${part}" is not an SGR parameter (an integer 0-255), ` +
            'and the color is not a name (red, cyanBright, ...) or a hex color (#ff6188)',
        );
      }
      return String(n);
    })
    .join(';');
  try {
    checkSgr(params);
  } catch (e) {
    throw new Error(`invalid color "${item.trim()}": ${(e as Error).message}`);
  }
  return params;
}

/** stern's parseColors: pair the lists; container colours default to the pod colours; none at all → default. */
export function buildPalette(
  podColors: readonly string[],
  containerColors: readonly string[],
): [string, string][] {
  if (podColors.length === 0) {
    if (containerColors.length === 0) return DEFAULT_PALETTE.map(([p, c]) => [p, c]);
    throw new Error('pod-colors must not be empty');
  }
  if (containerColors.length === 0) return podColors.map((p) => [p, p]);
  if (containerColors.length !== podColors.length) {
    throw new Error('pod-colors and container-colors must have the same length');
  }
  return podColors.map((p, i) => [p, containerColors[i]!]);
}
