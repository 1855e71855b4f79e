// argv → Command. Every flag is parsed, validated and compiled here, once; errors are UserErrors
// with exit code 2 (usage) and one line naming the flag.
import { Command as Commander, CommanderError, Option } from 'commander';
import type { ColorMode, Command, Config } from '../config/config.ts';
import { compileRegex } from '../config/regex.ts';
import { UserError } from '../errors.ts';
import type { ContainerStateName } from '../targets/types.ts';
import { OPTIONS, type OptionDef } from './options.ts';

type Raw = Record<string, unknown>;

const camel = (long: string) => long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function flagsOf(o: OptionDef): string {
  const names = o.short ? `-${o.short}, --${o.long}` : `--${o.long}`;
  return o.kind === 'bool' ? names : `${names} <${o.arg ?? 'value'}>`;
}

function buildProgram(version: string): Commander {
  const p = new Commander('kstern')
    .usage('[pod-query] [flags]')
    .description(
      'Tail the logs of every container of every pod whose name matches pod-query (a regular expression).',
    )
    .argument('[pod-query]', 'regular expression matched against pod names (unanchored)')
    .helpOption('-h, --help', 'Show this help and exit.')
    .allowExcessArguments(true)
    .version(version, '-v, --version', 'Print the version and exit.')
    .exitOverride();
  for (const o of OPTIONS) {
    if (o.long === 'version') continue;
    const opt = new Option(flagsOf(o), o.description);
    if (o.kind === 'list') {
      // Repeatable and comma-separated: -n a,b -n c → [a, b, c].
      opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',')]);
    } else if (o.kind === 'array') {
      // Repeatable, never split on commas (a regex may contain one).
      opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    }
    p.addOption(opt);
    if (o.kind === 'bool') p.addOption(new Option(`--no-${o.long}`).hideHelp());
  }
  return p;
}

const BOOL_LONGS = new Set(OPTIONS.filter((o) => o.kind === 'bool').map((o) => o.long));
const VALUE_SHORTS = new Set(OPTIONS.filter((o) => o.short && o.kind !== 'bool').map((o) => o.short!));

/**
 * Accepts pflag spellings commander does not: `--flag=true|false` for booleans and `-n=value` for
 * short options with a value.
 */
export function preprocessArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = /^--([a-z][a-z-]*)=(.*)$/.exec(a);
    if (long && BOOL_LONGS.has(long[1]!)) {
      const v = long[2]!.toLowerCase();
      if (v === 'true' || v === '1') out.push(`--${long[1]}`);
      else if (v === 'false' || v === '0') out.push(`--no-${long[1]}`);
      else throw new UserError(`invalid value "${long[2]}" for --${long[1]}: use true or false`, 2);
      continue;
    }
    const short = /^-([a-zA-Z])=(.*)$/.exec(a);
    if (short && VALUE_SHORTS.has(short[1]!)) {
      out.push(`-${short[1]}`, short[2]!);
      continue;
    }
    out.push(a);
  }
  return out;
}

function enumValue<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  const v = String(value);
  if ((choices as readonly string[]).includes(v)) return v as T;
  const list = choices.map((c) => `'${c}'`);
  const last = list.pop();
  throw new UserError(`${name} should be one of ${list.join(', ')}, or ${last}`, 2);
}

function intValue(flag: string, value: unknown): number {
  const s = String(value);
  if (!/^-?\d+$/.test(s)) throw new UserError(`invalid value "${s}" for --${flag}: not an integer`, 2);
  return Number.parseInt(s, 10);
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list.map((s) => s.trim()).filter((s) => s !== ''))];
}

function toConfig(query: string | undefined, raw: Raw): Config {
  const str = (k: string) => (raw[camel(k)] === undefined ? undefined : String(raw[camel(k)]));
  const list = (k: string) => (raw[camel(k)] as string[] | undefined) ?? [];
  const bool = (k: string, d: boolean) => (raw[camel(k)] === undefined ? d : Boolean(raw[camel(k)]));

  const labelSelector = str('selector');
  const fieldSelector = str('field-selector');
  if ((query === undefined || query === '') && !labelSelector && !fieldSelector) {
    throw new UserError('One of pod-query, --selector or --field-selector is required', 2);
  }
  const states = unique(list('container-state')).map((s) =>
    enumValue('containerState', s, ['running', 'waiting', 'terminated', 'all'] as const),
  );
  const stateSet = new Set<ContainerStateName>(
    states.includes('all') ? [] : (states as ContainerStateName[]),
  );
  return {
    podFilter: {
      query: compileRegex(query ?? '', 'from query'),
      excludePod: list('exclude-pod').map((r) => compileRegex(r, 'for excluded pod query')),
    },
    containerFilter: {
      container: compileRegex(str('container') ?? '.*', 'for container query'),
      excludeContainer: list('exclude-container').map((r) => compileRegex(r, 'for excluded container query')),
      initContainers: bool('init-containers', true),
      ephemeralContainers: bool('ephemeral-containers', true),
      states: stateSet,
    },
    namespaces: unique(list('namespace')),
    allNamespaces: bool('all-namespaces', false),
    labelSelector,
    fieldSelector,
    color: enumValue<ColorMode>('color', str('color') ?? 'auto', ['always', 'never', 'auto']),
    kubeconfig: str('kubeconfig'),
    context: str('context'),
    onlyLogLines: bool('only-log-lines', false),
    verbosity: raw['verbosity'] === undefined ? 0 : intValue('verbosity', raw['verbosity']),
  };
}

/** Parses argv (without node and script). Throws UserError on bad input. */
export function parseArgs(argv: readonly string[], version: string): Command {
  const program = buildProgram(version);
  let helpText = '';
  program.configureOutput({
    writeOut: (s) => {
      helpText += s;
    },
    writeErr: () => {},
    outputError: () => {},
  });
  try {
    program.parse(preprocessArgv(argv), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help')
        return { kind: 'help', text: helpText };
      if (e.code === 'commander.version') return { kind: 'version' };
      const msg = e.message.replace(/^error: /, '');
      throw new UserError(`${msg} (see kstern --help)`, 2);
    }
    throw e;
  }
  const raw = program.opts<Raw>();
  return { kind: 'run', config: toConfig(program.args[0], raw) };
}
