// argv + config file → Command. The config file holds defaults for long flags; the command line wins.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from '../config/config.ts';
import { loadConfigFile, type ValueShape } from '../config/config-file.ts';
import type { Deps } from '../deps.ts';
import { UserError } from '../util/errors.ts';
import type { Report } from '../util/messages.ts';
import { OPTIONS } from './options.ts';
import { commandOf, keyOf, parseRaw } from './parse.ts';

const KNOWN = new Map<string, ValueShape>(
  OPTIONS.filter((o) => o.long !== 'config').map((o) => [
    o.long,
    o.kind === 'list' || o.kind === 'array' ? 'list' : 'scalar',
  ]),
);

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

/**
 * Parses argv, then applies the config file: `--config` if given, else $KSTERNCONFIG, else
 * ~/.config/kstern/config.yaml; when that one does not exist either, stern's: $STERNCONFIG, else
 * ~/.config/stern/config.yaml (for users coming from stern; a note with --verbosity). A missing
 * default file is fine. Values for flags not on the command line are parsed exactly as if they had been
 * typed there, so they are validated the same way. The file's own warnings (unknown options) go to `report`.
 */
export async function loadCommand(
  argv: readonly string[],
  deps: Deps,
  version: string,
  report: Report,
): Promise<Command> {
  const progName = deps.programName ?? 'kstern';
  const first = parseRaw(argv, version, progName);
  if ('kind' in first) return first;
  const fromFlag = first.raw['config'] as string | undefined;
  const fromEnv = deps.env['KSTERNCONFIG'] || undefined;
  const path = expandHome(fromFlag ?? fromEnv ?? '~/.config/kstern/config.yaml', deps.homeDir);
  const load = (p: string, isDefault: boolean) =>
    loadConfigFile({ path: p, isDefault, readFile: (f) => readFile(f, 'utf8'), knownOptions: KNOWN });
  const isDefault = fromFlag === undefined && fromEnv === undefined;
  let file = await load(path, isDefault);
  let filePath = path;
  if (isDefault && !file.found) {
    const sternEnv = deps.env['STERNCONFIG'] || undefined;
    const sternPath = expandHome(sternEnv ?? '~/.config/stern/config.yaml', deps.homeDir);
    const stern = await load(sternPath, sternEnv === undefined);
    if (stern.found) {
      file = stern;
      filePath = sternPath;
      if (Number(first.raw['verbosity'] ?? 0) > 0) {
        report(`using stern's config file "${sternPath}" (there is no "${path}")`);
      }
    }
  }
  const { values, warnings } = file;
  for (const w of warnings) report(w, 'warning');
  const extra: string[] = [];
  for (const [name, value] of values) {
    if (first.program.getOptionValueSource(keyOf(name)) === 'cli') continue;
    if (name.startsWith('no-') && first.program.getOptionValueSource(keyOf(`${name.slice(3)}`)) === 'cli')
      continue;
    for (const v of Array.isArray(value) ? value : [value]) extra.push(`--${name}=${v}`);
  }
  if (extra.length === 0) return commandOf(first);
  try {
    const merged = parseRaw([...extra, ...argv], version, progName);
    return 'kind' in merged ? merged : commandOf(merged);
  } catch (e) {
    throw inConfigFile(e, filePath, [...values.keys()]);
  }
}

/** A usage error caused by a value from the config file names the file and the key. */
function inConfigFile(e: unknown, path: string, keys: string[]): unknown {
  if (!(e instanceof UserError)) return e;
  const key = keys.find((k) => e.message.includes(`--${k}`) || e.message.startsWith(`${k} `));
  if (key === undefined) return e;
  return new UserError(`${e.message} (from the config file "${path}", key "${key}")`, e.exitCode);
}
