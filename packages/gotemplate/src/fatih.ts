// Colour escapes written the way fatih/color v1.19 (stern's colour library) writes them: the bytes of
// stern's `color` template functions, and of kstern's own prefixes.

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
