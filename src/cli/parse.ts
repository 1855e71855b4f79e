// argv → Command. Every flag is parsed, validated and compiled here, once; errors are UserErrors
// with exit code 2 (usage) and one line naming the flag.
import { Command as Commander, CommanderError, Option } from 'commander';
import {
  COLOR_MODES,
  CONTAINER_STATES,
  type Command,
  type Config,
  EVENT_KINDS,
  type KubeOverrides,
  OUTPUT_FORMATS,
  SHELLS,
  TIMESTAMP_FORMATS,
  UNTIL_CONDITIONS,
} from '../config/config.ts';
import { parseUserDuration } from '../config/duration.ts';
import { parseResourceQuery } from '../config/kind.ts';
import { parseSinceTime } from '../config/since-time.ts';
import { compileUserRegex } from '../config/user-regex.ts';
import type { ContainerStateName } from '../core/model.ts';
import { buildPalette, parseColorList } from '../output/colors.ts';
import { validateTimezone } from '../output/timefmt.ts';
import { parseCondition } from '../targets/condition.ts';
import { errorMessage, UserError } from '../util/errors.ts';
import { EXIT } from '../util/exit-codes.ts';
import { OPTIONS, type OptionDef } from './options.ts';

type Raw = Record<string, unknown>;

/** commander's key for an option: camelCase, and `--no-x` stores `x`. */
export const keyOf = (long: string): string =>
  long.replace(/^no-/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function flagsOf(o: OptionDef): string {
  const names = o.short ? `-${o.short}, --${o.long}` : `--${o.long}`;
  return o.kind === 'bool' ? names : `${names} <${o.arg ?? 'value'}>`;
}

/** The examples `--help` ends with; `name` is how the user called kstern. */
function helpExamples(name: string): string {
  return `
Examples:
  ${name} web                          every container of pods whose name contains "web"
  ${name} deployment/web -n shop -t    a deployment's pods, with timestamps
  ${name} -l app=api -c server -i ERROR --since 15m
  ${name} job/migrate --until done     follow a Job to its end; exit 0 if it succeeded
  ${name} crashy --previous            the last lines of the instance that crashed
  ${name} web -o json | jq .message    one JSON object per line

Use "${name} --show-hidden-options" for a list of hidden command-line options.`;
}

/**
 * The commander program. `name` is how the user called kstern: "kstern", or "kubectl kstern" when run
 * as a kubectl plugin (Deps.programName); help and usage errors say it.
 */
export function buildProgram(version: string, name = 'kstern'): Commander {
  const p = new Commander(name)
    .usage('[pod-query] [flags]')
    .description(
      'Tail the logs of every container of every pod whose name matches pod-query (a regular expression), ' +
        'or of the pods of a workload given as <kind>/<name> (deployment/web, job/backup, ...).',
    )
    .argument('[pod-query]', 'regular expression matched against pod names (unanchored), or <kind>/<name>')
    .helpOption('-h, --help', 'Show this help and exit.')
    .allowExcessArguments(true)
    .version(version, '-v, --version', 'Print the version and exit.')
    .addHelpText('after', helpExamples(name))
    .exitOverride();
  for (const o of OPTIONS) {
    if (o.long === 'version') continue;
    // Every default is shown, as stern's (cobra's) help does; `false` for a switch says nothing.
    const shown = o.default !== undefined && o.default !== 'false' ? ` (default ${o.default})` : '';
    const opt = new Option(flagsOf(o), `${o.description}${shown}`);
    if (o.hidden) opt.hideHelp();
    if (o.kind === 'list') {
      // Repeatable and comma-separated: -n a,b -n c → [a, b, c].
      opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',')]);
    } else if (o.kind === 'array') {
      // Repeatable, never split on commas (a regex may contain one).
      opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    }
    p.addOption(opt);
    if (o.kind === 'bool' && !o.long.startsWith('no-')) p.addOption(new Option(`--no-${o.long}`).hideHelp());
  }
  return p;
}

const BOOL_LONGS = new Set(OPTIONS.filter((o) => o.kind === 'bool').map((o) => o.long));
const VALUE_SHORTS = new Set(OPTIONS.filter((o) => o.short && o.kind !== 'bool').map((o) => o.short!));

/**
 * Accepts pflag spellings commander does not: `--flag=true|false` for booleans, `-n=value` for
 * short options with a value, and a bare `-t` / `--timestamps` (meaning `--timestamps=default`) and a bare `--events` (`--events=warning`).
 */
export function preprocessArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '-t' || a === '--timestamps') {
      out.push('--timestamps=default');
      continue;
    }
    if (a === '--events') {
      out.push('--events=warning');
      continue;
    }
    // kubectl's -v=N (verbosity): stern's -v is --version, so only a number after '=' or joined is read so.
    const kubectlV = /^-v=?(\d+)$/.exec(a);
    if (kubectlV) {
      out.push(`--verbosity=${kubectlV[1]}`);
      continue;
    }
    if (/^(-v|--version)=/.test(a)) {
      throw new UserError(
        `${a.split('=')[0]} takes no value: use --version alone to print the version (or -v=N for kubectl-style verbosity)`,
        EXIT.usage,
      );
    }
    const long = /^--([a-z][a-z-]*)=(.*)$/.exec(a);
    if (long && BOOL_LONGS.has(long[1]!)) {
      const v = long[2]!.toLowerCase();
      const name = long[1]!;
      const negated = name.startsWith('no-');
      const base = negated ? name.slice(3) : name;
      if (v === 'true' || v === '1') out.push(negated ? `--no-${base}` : `--${base}`);
      else if (v === 'false' || v === '0') out.push(negated ? '' : `--no-${base}`);
      else throw new UserError(`invalid value "${long[2]}" for --${name}: use true or false`, EXIT.usage);
      if (out.at(-1) === '') out.pop();
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

function oneOf<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  const list = choices.map((c) => `'${c}'`);
  if (list.length === 1) throw new UserError(`${name} should be ${list[0]}`, EXIT.usage);
  const last = list.pop();
  throw new UserError(`${name} should be one of ${list.join(', ')}, or ${last}`, EXIT.usage);
}

function intValue(flag: string, value: string): number {
  if (!/^-?\d+$/.test(value))
    throw new UserError(`invalid value "${value}" for --${flag}: not an integer`, EXIT.usage);
  const n = Number.parseInt(value, 10);
  // Past 2^53 a number is no longer exact (and 1e20 would be sent as "1e+20"): like kubectl, reject it.
  if (!Number.isSafeInteger(n))
    throw new UserError(
      `invalid value "${value}" for --${flag}: out of range (at most ${Number.MAX_SAFE_INTEGER})`,
      EXIT.usage,
    );
  return n;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

/** A size in bytes as Kubernetes quantities write it: `65536`, `64Ki`, `8Mi`, `1G`. At least 256 bytes. */
export function byteSize(flag: string, value: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(value.trim());
  const n = m ? Number(m[1]) * BYTE_UNITS[m[2] ?? '']! : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new UserError(
      `invalid value "${value}" for --${flag}: use a number of bytes, optionally with Ki, Mi or Gi`,
      EXIT.usage,
    );
  if (n < 256) throw new UserError(`invalid value "${value}" for --${flag}: at least 256 bytes`, EXIT.usage);
  return n;
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list.map((s) => s.trim()).filter((s) => s !== ''))];
}

function duration(flag: string, value: string): number {
  try {
    return parseUserDuration(value);
  } catch (e) {
    throw new UserError(`invalid value "${value}" for --${flag}: ${(e as Error).message}`, EXIT.usage);
  }
}

/** Turns any error of a validator into a usage error (EXIT.usage) naming the flag when it does not already. */
function usage<T>(flag: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError) throw e.exitCode === EXIT.usage ? e : new UserError(e.message, EXIT.usage);
    const msg = errorMessage(e);
    throw new UserError(msg.includes(flag) ? msg : `invalid value for --${flag}: ${msg}`, EXIT.usage);
  }
}

/** commander's values, read by long flag name (`no-follow` reads `follow`, as keyOf says). */
interface Flags {
  raw: Raw;
  str: (k: string) => string | undefined;
  list: (k: string) => string[];
  bool: (k: string, d: boolean) => boolean;
  /** An integer flag, or `d` when it is not given; a usage error when it is not an integer. */
  int: (k: string, d: number) => number;
}

function flagReader(raw: Raw): Flags {
  const str = (k: string) => (raw[keyOf(k)] === undefined ? undefined : String(raw[keyOf(k)]));
  return {
    raw,
    str,
    list: (k) => (raw[keyOf(k)] as string[] | undefined) ?? [],
    bool: (k, d) => (raw[keyOf(k)] === undefined ? d : Boolean(raw[keyOf(k)])),
    int: (k, d) => {
      const v = str(k);
      return v === undefined ? d : intValue(k, v);
    },
  };
}

function kubeOverrides(f: Flags): KubeOverrides {
  const o: KubeOverrides = {};
  const set = <K extends keyof KubeOverrides>(k: K, v: KubeOverrides[K] | undefined) => {
    if (v !== undefined) o[k] = v;
  };
  set('as', f.str('as'));
  if (f.list('as-group').length > 0) o.asGroups = f.list('as-group');
  set('certificateAuthority', f.str('certificate-authority'));
  set('clientCertificate', f.str('client-certificate'));
  set('clientKey', f.str('client-key'));
  set('cluster', f.str('cluster'));
  if (f.raw['insecureSkipTlsVerify'] === true) o.insecureSkipTlsVerify = true;
  const rt = f.str('request-timeout');
  if (rt !== undefined && rt !== '0') {
    o.requestTimeoutMs = /^\d+$/.test(rt) ? Number(rt) * 1000 : duration('request-timeout', rt);
  }
  set('server', f.str('server'));
  set('tlsServerName', f.str('tls-server-name'));
  set('token', f.str('token'));
  set('user', f.str('user'));
  return o;
}

/**
 * Flag values → the typed Config. The steps first check the flags against each other (and a few of
 * their values), then the fields are parsed in the order they are listed. Keep both orders, and the
 * order of the checks inside each step: when several flags are wrong, the first check to fail is the
 * message the user sees.
 */
export function toConfig(query: string | undefined, raw: Raw): Config {
  const f = flagReader(raw);
  const selection = selectionOf(query, f);
  const window = timeWindowOf(f);
  const states = containerStatesOf(f);
  const look = lookOf(f);
  const limits = limitsOf(f, window.follow);
  const since = window.sinceText === undefined ? undefined : duration('since', window.sinceText);
  const ending = endingOf(f, window);
  return {
    ...podsAndContainers(selection, states, window.conditionText, f),
    ...lineFilters(f, look.highlight),
    ...windowFields(window, since),
    ...limits,
    ...outputFields(f, look),
    prompt: selection.prompt,
    stdin: selection.stdin,
    color: oneOf('color', f.str('color') ?? 'auto', COLOR_MODES),
    ...clusterFields(f),
    onlyLogLines: f.bool('only-log-lines', false),
    sanitize: f.bool('sanitize', false),
    verbosity: f.int('verbosity', 0),
    throttle: throttleOf(f.str('qps'), f.str('burst') === undefined ? undefined : f.int('burst', 0)),
    allowEmpty: f.bool('allow-empty', false),
    ...ending,
    previous: window.previous,
    quiet: f.bool('quiet', false),
    events: f.str('events') === undefined ? undefined : oneOf('events', f.str('events') ?? '', EVENT_KINDS),
  };
}

/** What picks the pods: the pod query, --selector, --field-selector and --node; or --prompt, --stdin. */
interface Selection {
  /** The pod query, when one is given (not empty). */
  queryText: string | undefined;
  resource: ReturnType<typeof parseResourceQuery>;
  labelSelector: string | undefined;
  /** --field-selector and --node joined; '' when neither is given. */
  fieldSelector: string;
  prompt: boolean;
  stdin: boolean;
}

function selectionOf(query: string | undefined, f: Flags): Selection {
  const prompt = f.bool('prompt', false);
  const stdin = f.bool('stdin', false);
  const labelSelector = f.str('selector');
  const node = f.str('node');
  const fieldSelector = [f.str('field-selector'), node === undefined ? undefined : `spec.nodeName=${node}`]
    .filter((s) => s !== undefined && s !== '')
    .join(',');
  const queryText = query === '' ? undefined : query;
  if (queryText === undefined && !labelSelector && !fieldSelector && !prompt && !stdin) {
    throw new UserError(
      'One of pod-query, --selector, --field-selector, --node, --prompt or --stdin is required',
      EXIT.usage,
    );
  }
  const resource = queryText === undefined ? undefined : usage('query', () => parseResourceQuery(queryText));
  if (resource && labelSelector) {
    throw new UserError(
      '--selector and the <resource>/<name> query cannot be set at the same time',
      EXIT.usage,
    );
  }
  return { queryText, resource, labelSelector, fieldSelector, prompt, stdin };
}

/** --previous, --no-follow and --tail; --condition, which needs logs that end; --since or --since-time. */
interface TimeWindow {
  previous: boolean;
  follow: boolean;
  tail: number;
  conditionText: string | undefined;
  sinceText: string | undefined;
  sinceTimeText: string | undefined;
}

function timeWindowOf(f: Flags): TimeWindow {
  const previous = f.bool('previous', false);
  // --previous reads instances that have ended: their logs are complete, so there is nothing to follow.
  const follow = f.bool('no-follow', true) && !previous;
  const tail = f.int('tail', -1);
  if (!follow && tail === 0) throw new UserError('--no-follow cannot be used with --tail=0', EXIT.usage);
  const conditionText = f.str('condition');
  if (conditionText !== undefined && follow && tail !== 0) {
    throw new UserError('--condition is currently only supported with --tail=0 or --no-follow', EXIT.usage);
  }
  const sinceText = f.str('since');
  const sinceTimeText = f.str('since-time');
  if (sinceText !== undefined && sinceTimeText !== undefined) {
    throw new UserError('--since and --since-time cannot be used together', EXIT.usage);
  }
  return { previous, follow, tail, conditionText, sinceText, sinceTimeText };
}

/** --container-state; `all` (or none given) is the empty set: every state. */
function containerStatesOf(f: Flags): Set<ContainerStateName> {
  const states = unique(f.list('container-state')).map((s) => oneOf('containerState', s, CONTAINER_STATES));
  return new Set<ContainerStateName>(states.includes('all') ? [] : (states as ContainerStateName[]));
}

/** --timezone, --pod-colors and --container-colors, and --highlight (its patterns are checked here). */
interface Look {
  timezone: string;
  podColors: string[];
  containerColors: string[];
  highlight: string[];
}

function lookOf(f: Flags): Look {
  const timezone = f.str('timezone') ?? 'Local';
  usage('timezone', () => validateTimezone(timezone));
  const colors = (k: string) =>
    f.list(k).length === 0 ? [] : usage(k, () => parseColorList(f.list(k).join(',')));
  const podColors = colors('pod-colors');
  const containerColors = colors('container-colors');
  if (podColors.length > 0 || containerColors.length > 0) {
    usage('pod-colors', () => buildPalette(podColors, containerColors));
  }
  const highlight = f.list('highlight');
  for (const r of highlight) compileUserRegex(r, 'for highlight filter');
  return { timezone, podColors, containerColors, highlight };
}

function limitsOf(f: Flags, follow: boolean): Pick<Config, 'maxLogRequests' | 'maxLineBytes'> {
  const maxLineBytes = byteSize('max-line-bytes', f.str('max-line-bytes') ?? '8Mi');
  // Follow streams never end on their own, so a low cap would starve containers: 1000 (HTTP/2 streams
  // are cheap; the transport opens another connection past the server's stream limit). --no-follow: 5.
  const maxLogRequests = f.int('max-log-requests', follow ? 1000 : 5);
  if (maxLogRequests < 1) throw new UserError('--max-log-requests must be at least 1', EXIT.usage);
  return { maxLogRequests, maxLineBytes };
}

/** --wait (for a first pod), --until done and --until-timeout. */
function endingOf(f: Flags, window: TimeWindow): Pick<Config, 'waitMs' | 'until' | 'untilTimeoutMs'> {
  const waitText = f.str('wait');
  const waitMs = waitText === undefined ? undefined : duration('wait', waitText);
  if (waitMs !== undefined && waitMs <= 0)
    throw new UserError(`invalid value "${waitText}" for --wait: must be greater than 0`, EXIT.usage);
  const untilText = f.str('until');
  const until = untilText === undefined ? undefined : oneOf('until', untilText, UNTIL_CONDITIONS);
  if (until !== undefined && !window.follow)
    throw new UserError(
      `--until follows the pods until they are over: it cannot be used with ${window.previous ? '--previous' : '--no-follow'}`,
      EXIT.usage,
    );
  const untilTimeoutText = f.str('until-timeout');
  if (untilTimeoutText !== undefined && until === undefined)
    throw new UserError('--until-timeout needs --until done', EXIT.usage);
  const untilTimeoutMs =
    untilTimeoutText === undefined ? undefined : duration('until-timeout', untilTimeoutText);
  if (untilTimeoutMs !== undefined && untilTimeoutMs <= 0)
    throw new UserError(
      `invalid value "${untilTimeoutText}" for --until-timeout: must be greater than 0`,
      EXIT.usage,
    );
  return { waitMs, until, untilTimeoutMs };
}

function podsAndContainers(
  s: Selection,
  states: Set<ContainerStateName>,
  conditionText: string | undefined,
  f: Flags,
): Pick<
  Config,
  | 'queryText'
  | 'podFilter'
  | 'containerFilter'
  | 'resource'
  | 'condition'
  | 'namespaces'
  | 'allNamespaces'
  | 'labelSelector'
  | 'fieldSelector'
> {
  const { resource } = s;
  return {
    queryText: s.queryText,
    podFilter: {
      // A pod/<name> query is an exact name match; other resource queries select by labels.
      query:
        resource?.kind === 'pod'
          ? { test: (name: string) => name === resource.name }
          : compileUserRegex(resource ? '' : (s.queryText ?? ''), 'from query'),
      excludePod: f.list('exclude-pod').map((r) => compileUserRegex(r, 'for excluded pod query')),
    },
    containerFilter: {
      container: compileUserRegex(f.str('container') ?? '.*', 'for container query'),
      excludeContainer: f
        .list('exclude-container')
        .map((r) => compileUserRegex(r, 'for excluded container query')),
      initContainers: f.bool('init-containers', true),
      ephemeralContainers: f.bool('ephemeral-containers', true),
      states,
    },
    resource:
      resource === undefined || resource.kind === 'pod'
        ? undefined
        : { kind: resource.kind, name: resource.name },
    condition:
      conditionText === undefined ? undefined : usage('condition', () => parseCondition(conditionText)),
    namespaces: unique(f.list('namespace')),
    allNamespaces: f.bool('all-namespaces', false),
    labelSelector: s.labelSelector,
    fieldSelector: s.fieldSelector === '' ? undefined : s.fieldSelector,
  };
}

/** --include and --exclude; highlight: the --include patterns, then --highlight's. */
function lineFilters(f: Flags, highlight: string[]): Pick<Config, 'include' | 'exclude' | 'highlight'> {
  const include = f.list('include');
  return {
    include: include.map((r) => compileUserRegex(r, 'for inclusion filter')),
    exclude: f.list('exclude').map((r) => compileUserRegex(r, 'for exclusion filter')),
    highlight: [...new Set([...include, ...highlight])],
  };
}

/** `since` is --since in milliseconds (0 means no limit). --since-time is parsed here. */
function windowFields(
  w: TimeWindow,
  since: number | undefined,
): Pick<Config, 'sinceMs' | 'sinceTime' | 'tail' | 'follow'> {
  const { sinceTimeText } = w;
  return {
    sinceMs: since !== undefined && since > 0 ? since : undefined,
    sinceTime:
      sinceTimeText === undefined ? undefined : usage('since-time', () => parseSinceTime(sinceTimeText)),
    tail: w.tail,
    follow: w.follow,
  };
}

function outputFields(
  f: Flags,
  look: Look,
): Pick<
  Config,
  | 'output'
  | 'template'
  | 'templateNoNewline'
  | 'timestamps'
  | 'timezone'
  | 'podColors'
  | 'containerColors'
  | 'diffContainer'
> {
  const templateFile = f.str('template-file');
  const templateText = f.str('template');
  const timestamps = f.str('timestamps');
  return {
    output: oneOf('output', f.str('output') ?? 'default', OUTPUT_FORMATS),
    template:
      templateFile !== undefined
        ? { file: templateFile }
        : templateText !== undefined
          ? { text: templateText }
          : undefined,
    templateNoNewline: f.bool('template-no-newline', false),
    timestamps:
      timestamps === undefined
        ? undefined
        : oneOf('timestamps', timestamps === '' ? 'default' : timestamps, TIMESTAMP_FORMATS),
    timezone: look.timezone,
    podColors: look.podColors,
    containerColors: look.containerColors,
    diffContainer: f.bool('diff-container', false),
  };
}

/** --kubeconfig, --context (one or several) and kubectl's connection flags. */
function clusterFields(f: Flags): Pick<Config, 'kubeconfig' | 'context' | 'contexts' | 'kube'> {
  const contexts = unique(f.list('context').filter((c) => c !== ''));
  return { kubeconfig: f.str('kubeconfig'), context: contexts[0], contexts, kube: kubeOverrides(f) };
}

/** --qps (a non-negative number, 0: no limit) and --burst (default twice the rate, at least 1). */
function throttleOf(qps: string | undefined, burst: number | undefined): Config['throttle'] {
  const rate = qps === undefined ? 0 : Number(qps);
  if (qps !== undefined && (!/^\d*\.?\d+$/.test(qps.trim()) || !Number.isFinite(rate))) {
    throw new UserError(`invalid value "${qps}" for --qps: not a non-negative number`, EXIT.usage);
  }
  if (burst !== undefined && burst < 1) throw new UserError('--burst must be at least 1', EXIT.usage);
  if (rate === 0) return undefined;
  return { qps: rate, burst: burst ?? Math.max(1, Math.ceil(rate * 2)) };
}

export function hiddenOptionsText(): string {
  const rows = OPTIONS.filter((o) => o.hidden).map((o) => [`  ${flagsOf(o)}`, o.description] as const);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return `kubectl connection flags kstern accepts:\n${rows.map(([f, d]) => f.padEnd(width) + d).join('\n')}\n`;
}

export interface Parsed {
  program: Commander;
  query: string | undefined;
  raw: Raw;
}

/** Runs commander over argv; help and version come back as commands, errors as usage UserErrors. */
export function parseRaw(argv: readonly string[], version: string, name = 'kstern'): Parsed | Command {
  const program = buildProgram(version, name);
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
      const msg = e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
      throw new UserError(`${msg} (see ${name} --help)`, EXIT.usage);
    }
    throw e;
  }
  if (program.args.length > 1) {
    // stern takes one query; a second word is most often a container name.
    const extra = program.args.slice(1);
    throw new UserError(
      `unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((x) => `"${x}"`).join(' ')}: ${program.name()} takes one pod query (to pick a container, use -c ${extra[0]})`,
      EXIT.usage,
    );
  }
  return { program, query: program.args[0], raw: program.opts<Raw>() };
}

/** Parses argv (without node and script). Throws UserError on bad input. */
export function parseArgs(argv: readonly string[], version: string): Command {
  const p = parseRaw(argv, version);
  if ('kind' in p) return p;
  return commandOf(p);
}

export function commandOf(p: Parsed): Command {
  const { raw } = p;
  if (raw['showHiddenOptions'] === true) return { kind: 'hidden-options', text: hiddenOptionsText() };
  if (raw['completion'] !== undefined) {
    return {
      kind: 'completion',
      shell: oneOf('completion', String(raw['completion']), SHELLS),
    };
  }
  return { kind: 'run', config: toConfig(p.query, raw) };
}
