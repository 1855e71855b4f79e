// kstern's template engine: Go's text/template as stern users write it, with stern's function map.
//
//   const t = compileTemplate('{{color .PodColor .PodName}} {{.Message}}', { color: true });
//   t.execute(log)  // → string; throws ExecError ("template: kstern:1:3: executing …")
//
// Compile once; execute walks the pre-parsed tree.

import { Exec, type FuncDef } from './exec.ts';
import { builtins, methodOf, type Painter, sternFuncs } from './funcs.ts';
import { localLocationFor } from './gotime.ts';
import { parseTemplate } from './parser.ts';
import { isLogData, type LogData, LogStruct } from './values.ts';

export { ExecError } from './exec.ts';
export { jsonMarshal, jsonValid, logToJSON, quoteJSON } from './json.ts';
export { TemplateError } from './parser.ts';
export type { LogData, Painter };

export interface CompileOptions {
  /** fatih/color's NoColor is the negation: false makes every colour function return plain text. */
  color: boolean;
  /**
   * Writes the colour functions' colours (`color`, `colorRed`, `levelColor`, …), given as SGR parameters
   * ('96', '31;1', '38;2;255;97;136'). Default: the bytes fatih/color writes (`ESC[31;1m…ESC[0;22m`).
   */
  paint?: Painter;
  /** The template name in error messages (default 'kstern'). */
  name?: string;
  /** The zone Go's Local means (an IANA name; '' or 'UTC' for UTC). Default UTC. */
  localZone?: string;
}

export interface Template {
  /** Renders `data` (a LogData is executed as stern's Log struct). Throws ExecError. */
  execute(data: unknown): string;
}

const BUILTINS = builtins();

function merge(a: Map<string, FuncDef>, b: Map<string, FuncDef>): Map<string, FuncDef> {
  const m = new Map(a);
  for (const [k, v] of b) m.set(k, v);
  return m;
}

/** Parses a template (Go text/template syntax). Throws TemplateError with Go's message and line:col. */
export function compileTemplate(source: string, o: CompileOptions): Template {
  const name = o.name ?? 'kstern';
  const local = localLocationFor(o.localZone ?? '');
  const funcs = merge(BUILTINS, sternFuncs(o.color, local, o.paint));
  const { trees } = parseTemplate(source, name, (f) => funcs.has(f));
  const root = trees.get(name)!;
  const exec = new Exec(source, name, trees, funcs, (recv, method) => methodOf(recv, method, local));
  return {
    execute(data: unknown): string {
      const dot = isLogData(data) ? new LogStruct(data) : data;
      return exec.run(root, dot);
    },
  };
}
