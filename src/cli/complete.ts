// `kstern __complete <words…>`: the candidates for the last word of a command line, one per line (the
// shell scripts of completion.ts call it, like cobra's). Flag names and enum values come from the
// OPTIONS table; namespaces, nodes, contexts and object names from a Lister (the cluster).
import type { KubeOverrides } from '../config/config.ts';
import { type Kind, parseResourceQuery } from '../config/kind.ts';
import { OPTIONS, type OptionDef } from './options.ts';

export interface Lister {
  contexts(): Promise<string[]>;
  namespaces(): Promise<string[]>;
  nodes(): Promise<string[]>;
  /** Names of `kind` objects in `namespace`: undefined = the context's namespace, null = all of them. */
  names(kind: Kind, namespace: string | undefined | null): Promise<string[]>;
}

/** What the words before the one being completed say. */
export interface Scanned {
  /** The flag whose value is the word being completed (`-n <TAB>`), if any. */
  pendingFlag: OptionDef | undefined;
  positionals: number;
  namespaces: string[];
  allNamespaces: boolean;
  kubeconfig: string | undefined;
  context: string | undefined;
  kube: KubeOverrides;
}

/** The `<kind>/` prefixes offered for the query (kstern's kind names). */
export const QUERY_KINDS: readonly Kind[] = [
  'cronjob',
  'daemonset',
  'deployment',
  'job',
  'pod',
  'replicaset',
  'replicationcontroller',
  'service',
  'statefulset',
];

const BY_LONG = new Map(OPTIONS.map((o) => [o.long, o]));
const BY_SHORT = new Map(OPTIONS.filter((o) => o.short !== undefined).map((o) => [o.short!, o]));

/** Flags whose value is the next word. `--timestamps` takes its value only after `=` (a bare -t means default). */
function takesValue(o: OptionDef): boolean {
  return o.kind !== 'bool' && o.long !== 'timestamps';
}

function record(s: Scanned, o: OptionDef, value: string | undefined): void {
  const v = value ?? '';
  const k = s.kube;
  switch (o.long) {
    case 'namespace':
      s.namespaces.push(...v.split(',').filter((x) => x !== ''));
      break;
    case 'all-namespaces':
      s.allNamespaces = value === undefined || value === 'true';
      break;
    case 'kubeconfig':
      s.kubeconfig = v;
      break;
    case 'context':
      s.context = v;
      break;
    case 'as':
      k.as = v;
      break;
    case 'as-group':
      k.asGroups = [...(k.asGroups ?? []), v];
      break;
    case 'certificate-authority':
      k.certificateAuthority = v;
      break;
    case 'client-certificate':
      k.clientCertificate = v;
      break;
    case 'client-key':
      k.clientKey = v;
      break;
    case 'cluster':
      k.cluster = v;
      break;
    case 'insecure-skip-tls-verify':
      k.insecureSkipTlsVerify = value === undefined || value === 'true';
      break;
    case 'server':
      k.server = v;
      break;
    case 'tls-server-name':
      k.tlsServerName = v;
      break;
    case 'token':
      k.token = v;
      break;
    case 'user':
      k.user = v;
      break;
  }
}

/** Reads the words before the one being completed (the program name is not among them). */
export function scan(before: readonly string[]): Scanned {
  const s: Scanned = {
    pendingFlag: undefined,
    positionals: 0,
    namespaces: [],
    allNamespaces: false,
    kubeconfig: undefined,
    context: undefined,
    kube: {},
  };
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    const next = (o: OptionDef): void => {
      if (i + 1 < before.length) record(s, o, before[++i]);
      else s.pendingFlag = o;
    };
    if (w === '--') {
      s.positionals += before.length - i - 1;
      break;
    }
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(w);
    if (long) {
      const o = BY_LONG.get(long[1]!);
      if (o === undefined) continue;
      if (long[2] !== undefined) record(s, o, long[2]);
      else if (takesValue(o)) next(o);
      else record(s, o, undefined);
      continue;
    }
    const short = /^-([a-zA-Z])(=?)(.*)$/s.exec(w);
    if (short) {
      const o = BY_SHORT.get(short[1]!);
      if (o === undefined) continue;
      if (short[3] !== '' || short[2] === '=') record(s, o, short[3]);
      else if (takesValue(o)) next(o);
      else record(s, o, undefined);
      continue;
    }
    s.positionals++;
  }
  return s;
}

function flagNames(cur: string): string[] {
  const visible = OPTIONS.filter((o) => !o.hidden);
  const longs = [...visible.map((o) => `--${o.long}`), '--help'].sort();
  const shorts = cur.startsWith('--')
    ? []
    : [...visible.flatMap((o) => (o.short ? [`-${o.short}`] : [])), '-h'];
  return [...shorts.sort(), ...longs].filter((f) => f.startsWith(cur));
}

/** Values for a flag; `typed` is what was typed of the value so far. Lists complete after the last comma. */
async function flagValues(o: OptionDef, typed: string, lister: Lister): Promise<string[]> {
  const comma = o.kind === 'list' ? typed.lastIndexOf(',') : -1;
  const done = comma < 0 ? '' : typed.slice(0, comma + 1);
  const part = typed.slice(done.length);
  let values: string[];
  if (o.choices !== undefined) values = [...o.choices];
  else if (o.long === 'namespace') values = await lister.namespaces();
  else if (o.long === 'node') values = await lister.nodes();
  else if (o.long === 'context') values = await lister.contexts();
  else values = []; // paths and free text: the shell completes file names
  const already = new Set(done.split(','));
  return values.filter((v) => v.startsWith(part) && !already.has(v)).map((v) => done + v);
}

/** The namespace for object names: undefined = the context's, null = all; 'refused' with several or -A. */
function objectNamespace(s: Scanned): string | undefined | 'refused' {
  if (s.allNamespaces) return 'refused';
  const unique = [...new Set(s.namespaces)];
  if (unique.length > 1) return 'refused';
  return unique[0];
}

async function queryValues(cur: string, s: Scanned, lister: Lister): Promise<string[]> {
  const slash = cur.indexOf('/');
  if (slash < 0) {
    const kinds = QUERY_KINDS.map((k) => `${k}/`).filter((k) => k.startsWith(cur));
    // Pod names too (the query is a pod-name regex); across namespaces is fine for those.
    const ns = s.allNamespaces ? null : [...new Set(s.namespaces)];
    const lists =
      ns === null
        ? [await lister.names('pod', null)]
        : await Promise.all((ns.length === 0 ? [undefined] : ns).map((n) => lister.names('pod', n)));
    const pods = [...new Set(lists.flat())].sort().filter((p) => p.startsWith(cur));
    return [...kinds, ...pods];
  }
  const typedKind = cur.slice(0, slash);
  let kind: Kind;
  try {
    const q = parseResourceQuery(`${typedKind}/x`);
    if (q === undefined) return [];
    kind = q.kind;
  } catch {
    return [];
  }
  const ns = objectNamespace(s);
  if (ns === 'refused') return []; // like stern: "multiple namespaces are not supported"
  const names = await lister.names(kind, ns);
  return names
    .map((n) => `${typedKind}/${n}`)
    .filter((c) => c.startsWith(cur))
    .sort();
}

/**
 * Candidates for the last of `words` (the words after the program name; the last one is being typed,
 * possibly empty). Errors from the lister propagate; the command turns them into no candidates.
 */
export async function complete(words: readonly string[], lister: Lister): Promise<string[]> {
  const cur = words.at(-1) ?? '';
  const s = scan(words.slice(0, -1));
  if (s.pendingFlag !== undefined) return flagValues(s.pendingFlag, cur, lister);
  if (cur.startsWith('-')) {
    const withValue = /^(--[^=]+)=(.*)$/s.exec(cur) ?? /^(-[a-zA-Z])=(.*)$/s.exec(cur);
    if (withValue) {
      const name = withValue[1]!;
      const o = name.startsWith('--') ? BY_LONG.get(name.slice(2)) : BY_SHORT.get(name.slice(1));
      if (o === undefined || o.kind === 'bool') return [];
      return (await flagValues(o, withValue[2]!, lister)).map((v) => `${name}=${v}`);
    }
    return flagNames(cur);
  }
  if (s.positionals > 0) return []; // kstern reads only the first positional argument
  return queryValues(cur, s, lister);
}
