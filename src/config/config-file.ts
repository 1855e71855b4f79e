// The config file (stern §1.5): a YAML mapping of long option names to values, applied as defaults
// (the command line wins; the caller does that).
import yaml from 'js-yaml';
import { errorMessage, UserError } from '../util/errors.ts';

export type ValueShape = 'scalar' | 'list';

export interface ConfigFileOptions {
  path: string;
  /** The path is the default one (not from --config or an environment variable): a missing file is then fine. */
  isDefault: boolean;
  /** Reads the file as text; throws an error with code ENOENT when it does not exist. */
  readFile: (p: string) => Promise<string>;
  /** Long option names and whether each takes one value or a list. */
  knownOptions: ReadonlyMap<string, ValueShape>;
}

export interface ConfigFileValues {
  /** Option name → its value as command-line text (scalars) or list of texts (list options). */
  values: Map<string, string | string[]>;
  warnings: string[];
  /** The file existed (false only for a missing default file). */
  found: boolean;
}

/**
 * Reads and checks the config file. Scalars become text as Go's fmt.Sprint would (`tail: 10` → '10',
 * `diff-container: true` → 'true'). A list option takes a YAML sequence, or a scalar as a one-element list
 * (`[]` is an empty list). An option set to null (`tail:`) is ignored. YAML's core schema is used, so
 * `since-time: 2026-01-02T15:04:05Z` stays text. Unknown options are warnings; everything else is an error.
 */
export async function loadConfigFile(o: ConfigFileOptions): Promise<ConfigFileValues> {
  const values = new Map<string, string | string[]>();
  const warnings: string[] = [];
  let text: string;
  try {
    text = await o.readFile(o.path);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') {
      if (o.isDefault) return { values, warnings, found: false };
      throw new UserError(`config file "${o.path}" does not exist`, 1);
    }
    throw new UserError(`cannot read config file "${o.path}": ${firstLine(e)}`, 1);
  }
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    throw new UserError(`config file "${o.path}" is not valid YAML: ${firstLine(e)}`, 1);
  }
  if (doc === undefined || doc === null) return { values, warnings, found: true };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`config file "${o.path}" is not a YAML mapping of option names to values`, 1);
  }
  for (const [name, value] of Object.entries(doc)) {
    const kind = o.knownOptions.get(name);
    if (kind === undefined) {
      warnings.push(`unknown option in config file "${o.path}": ${name}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    const invalid = (why: string): UserError =>
      new UserError(`invalid value ${goSprint(value)} for "${name}" in the config file: ${why}`, 1);
    if (kind === 'list') {
      const items: unknown[] = Array.isArray(value) ? value : [value];
      if (items.some(isComposite)) throw invalid('a list item must be a single value');
      values.set(name, items.map(goSprint));
    } else {
      if (Array.isArray(value)) throw invalid('this option takes one value, not a list');
      if (isComposite(value)) throw invalid('this option takes one value, not a mapping');
      values.set(name, goSprint(value));
    }
  }
  return { values, warnings, found: true };
}

function isComposite(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

/** fmt.Sprint of a decoded YAML value: `10`, `true`, `text`, `[a b]`, `map[k:v]`, `<nil>`. */
function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goSprint(x)}`).join(' ')}]`;
  }
  return String(v);
}

function firstLine(e: unknown): string {
  return errorMessage(e).split('\n')[0]!.trim();
}
