// The select menu of --prompt: key decoding and the menu's state and drawing (plain strings with ANSI
// control sequences; prompt.ts does the I/O). Looks like survey's Select, which stern uses.
import { type ColorLevel, painter } from '../output/paint.ts';

export type Key = 'up' | 'down' | 'enter' | 'cancel' | 'backspace' | 'escape' | { char: string };

/** Decodes a chunk of raw-mode terminal input. Unknown escape sequences and control keys are dropped. */
export function parseKeys(s: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\x1b') {
      const seq = /^\x1b(?:\[[0-9;?]*[A-Za-z~]|O[A-Za-z])/.exec(s.slice(i));
      if (seq === null) {
        keys.push('escape');
        continue;
      }
      const last = seq[0].at(-1);
      if (last === 'A') keys.push('up');
      else if (last === 'B') keys.push('down');
      i += seq[0].length - 1;
      continue;
    }
    if (c === '\r' || c === '\n') keys.push('enter');
    else if (c === '\x03' || c === '\x04') keys.push('cancel');
    else if (c === '\x7f' || c === '\x08') keys.push('backspace');
    else if (c === '\x10')
      keys.push('up'); // Ctrl-P
    else if (c === '\x0e')
      keys.push('down'); // Ctrl-N
    else if (c >= ' ') keys.push({ char: c });
  }
  return keys;
}

export class Menu {
  #filter = '';
  #index = 0;
  #top = 0;
  /** Lines drawn by the last render(), erased by the next. */
  #drawn = 0;

  constructor(
    private readonly question: string,
    private readonly values: readonly string[],
    /** The colour level of stderr: chalk paints the menu's colours (0: none). */
    private readonly level: ColorLevel,
    private readonly pageSize = 7,
    private readonly columns = 0,
  ) {}

  /** The values containing the filter text (case-insensitive), like survey's default filter. */
  visible(): string[] {
    const f = this.#filter.toLowerCase();
    return this.values.filter((v) => v.toLowerCase().includes(f));
  }

  current(): string | undefined {
    return this.visible()[this.#index];
  }

  get filter(): string {
    return this.#filter;
  }

  /** Moves or edits the filter. j/k move while the filter is empty (afterwards they are typed). */
  handle(key: Key): void {
    const n = this.visible().length;
    let k = key;
    if (typeof k === 'object' && this.#filter === '' && (k.char === 'j' || k.char === 'k')) {
      k = k.char === 'j' ? 'down' : 'up';
    }
    if (typeof k === 'object') this.#setFilter(this.#filter + k.char);
    else if (k === 'up' && n > 0) this.#index = (this.#index - 1 + n) % n;
    else if (k === 'down' && n > 0) this.#index = (this.#index + 1) % n;
    else if (k === 'backspace') this.#setFilter([...this.#filter].slice(0, -1).join(''));
    else if (k === 'escape') this.#setFilter('');
    if (this.#index < this.#top) this.#top = this.#index;
    if (this.#index >= this.#top + this.pageSize) this.#top = this.#index - this.pageSize + 1;
  }

  #setFilter(f: string): void {
    this.#filter = f;
    this.#index = 0;
    this.#top = 0;
  }

  /** Joins coloured segments, cut to the terminal width (a wrapped line would break the redraw). */
  #line(segments: [code: string, text: string][]): string {
    let room = this.columns > 1 ? this.columns - 1 : Number.POSITIVE_INFINITY;
    let out = '';
    for (const [code, text] of segments) {
      if (room <= 0) break;
      const t = [...text].length > room ? `${[...text].slice(0, Math.max(0, room - 1)).join('')}…` : text;
      room -= [...t].length;
      out += code === '' ? t : painter(this.level)(code)(t);
    }
    return out;
  }

  #head(answer?: string): string {
    const q: [string, string][] = [
      ['32;1', '?'],
      ['', ' '],
      ['1', this.question],
      ['', ' '],
    ];
    if (answer !== undefined) return this.#line([...q, ['36', answer]]);
    if (this.#filter !== '') return this.#line([...q, ['', this.#filter]]);
    return this.#line([...q, ['36', '[Use arrows to move, type to filter]']]);
  }

  /** Erases the previous drawing and draws the menu; the cursor ends below it. */
  render(): string {
    const all = this.visible();
    const page = all.slice(this.#top, this.#top + this.pageSize);
    const rows = page.map((v, i) =>
      this.#top + i === this.#index ? this.#line([['36', `❯ ${v}`]]) : this.#line([['', `  ${v}`]]),
    );
    if (all.length === 0) rows.push(this.#line([['', '  (no match)']]));
    const lines = [this.#head(), ...rows];
    const out = this.clear() + lines.map((l) => `${l}\n`).join('');
    this.#drawn = lines.length;
    return out;
  }

  /** Erases what render() drew. */
  clear(): string {
    const n = this.#drawn;
    this.#drawn = 0;
    return n === 0 ? '' : `\x1b[${n}A\r\x1b[J`;
  }

  /** The answered question, as survey leaves it on the screen. */
  summary(value: string): string {
    return `${this.#head(value)}\n`;
  }

  hideCursor(): string {
    return '\x1b[?25l';
  }

  showCursor(): string {
    return '\x1b[?25h';
  }
}
