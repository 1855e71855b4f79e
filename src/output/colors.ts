// Colours as stern picks and writes them: FNV-1 of the pod name into a palette of (pod, container) SGR
// pairs, wrapped the way fatih/color v1.19 does. Colours are SGR parameter strings such as '96' or '31;1'.

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

/** fatih/color's mapResetAttributes; every other parameter (colours included) resets with 0. */
const RESETS: Record<number, number> = { 1: 22, 2: 22, 3: 23, 4: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29 };

/**
 * `ESC[<params>m<text>ESC[<resets>m`, one reset per `;`-separated parameter, as fatih/color v1.19's
 * wrap/unformat: `31;1` → `\x1b[31;1m…\x1b[0;22m`, and `38;2;255;97;136` → `…\x1b[0;22;0;0;0m` (the `2` of
 * the 24-bit form is taken for Faint, exactly like fatih does).
 */
export function sgrWrap(params: string, text: string): string {
  return `\x1b[${params}m${text}\x1b[${sgrResets(params)}m`;
}

/** The parameters of the reset sgrWrap writes after `params`: '31;1' → '0;22'. */
export function sgrResets(params: string): string {
  return params
    .split(';')
    .map((p) => RESETS[Number.parseInt(p, 10)] ?? 0)
    .join(';');
}

/** The SGR parameter strings kstern writes for a palette: each colour and its reset (for the sanitiser). */
export function paletteSgr(palette: Palette): Set<string> {
  const own = new Set<string>();
  for (const pair of palette) for (const p of pair) own.add(p).add(sgrResets(p));
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
 * Whether to colour. `auto`: FORCE_COLOR wins when set ('0' or 'false' → off, anything else → on, as in
 * Node); otherwise a TTY, NO_COLOR unset or empty, and TERM not 'dumb'.
 */
export function useColor(
  mode: 'auto' | 'always' | 'never',
  isTTY: boolean,
  env: Record<string, string | undefined>,
): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return isTTY && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}

const SGR_PARAM = /^\d+$/;

/**
 * `--pod-colors` / `--container-colors`: a comma list of SGR sequences, each `;`-separated integers 0–255
 * (spaces around parts ignored). Returns the normalised sequences, e.g. ' 4 ; 91 ' → '4;91'. An empty
 * string is an empty list.
 */
export function parseColorList(s: string): string[] {
  if (s.trim() === '') return [];
  return s.split(',').map((item) =>
    item
      .split(';')
      .map((raw) => {
        const part = raw.trim();
        const n = SGR_PARAM.test(part) ? Number(part) : Number.NaN;
        if (!(n <= 255)) {
          throw new Error(
            `invalid color "${item.trim()}": "${part}" is not an SGR parameter (an integer 0-255)`,
          );
        }
        return String(n);
      })
      .join(';'),
  );
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
