// Every flag kstern accepts, in one table. The commander program, the README flag table and the
// shell completion are all generated from it, so they cannot drift apart.

export type OptionKind = 'bool' | 'string' | 'int' | 'list' | 'array' | 'enum';

export interface OptionDef {
  /** Long name without dashes, as stern spells it. */
  long: string;
  short?: string;
  kind: OptionKind;
  /** For 'enum' and enum lists. */
  choices?: readonly string[];
  /** Default as shown in help; undefined means none. */
  default?: string;
  description: string;
  /** Value placeholder for help. */
  arg?: string;
  /** kubectl generic flag, listed by --show-hidden-options only. */
  hidden?: boolean;
}

export const OPTIONS: readonly OptionDef[] = [
  {
    long: 'all-namespaces',
    short: 'A',
    kind: 'bool',
    default: 'false',
    description: 'Tail pods in every namespace (-n is ignored).',
  },
  {
    long: 'color',
    kind: 'enum',
    choices: ['auto', 'always', 'never'],
    default: 'auto',
    arg: 'when',
    description: 'Colour pod and container names: auto (only when stdout is a terminal), always or never.',
  },
  {
    long: 'container',
    short: 'c',
    kind: 'string',
    default: '.*',
    arg: 'regex',
    description: 'Tail only containers whose name matches this regular expression.',
  },
  {
    long: 'container-state',
    kind: 'list',
    choices: ['running', 'waiting', 'terminated', 'all'],
    default: 'all',
    arg: 'state',
    description:
      'Tail containers first seen in this state: running, waiting, terminated or all (repeatable, comma-separated). A restarted container is always tailed.',
  },
  {
    long: 'context',
    kind: 'string',
    arg: 'name',
    description: 'The kubeconfig context to use.',
  },
  {
    long: 'ephemeral-containers',
    kind: 'bool',
    default: 'true',
    description: 'Include ephemeral containers (--ephemeral-containers=false to leave them out).',
  },
  {
    long: 'exclude-container',
    short: 'E',
    kind: 'array',
    arg: 'regex',
    description: 'Leave out containers whose name matches this regular expression (repeatable).',
  },
  {
    long: 'exclude-pod',
    kind: 'array',
    arg: 'regex',
    description: 'Leave out pods whose name matches this regular expression (repeatable).',
  },
  {
    long: 'field-selector',
    kind: 'string',
    arg: 'selector',
    description: 'Field selector sent to the API server, e.g. spec.nodeName=node-1.',
  },
  {
    long: 'init-containers',
    kind: 'bool',
    default: 'true',
    description: 'Include init containers (--init-containers=false to leave them out).',
  },
  {
    long: 'kubeconfig',
    kind: 'string',
    arg: 'path',
    description: 'Path to the kubeconfig file (wins over $KUBECONFIG and ~/.kube/config).',
  },
  {
    long: 'namespace',
    short: 'n',
    kind: 'list',
    arg: 'name',
    description:
      "Namespace to tail (repeatable, comma-separated). Defaults to the context's namespace, or default.",
  },
  {
    long: 'only-log-lines',
    kind: 'bool',
    default: 'false',
    description: 'Print only log lines: no "+ pod › container" / "- pod › container" lines on stderr.',
  },
  {
    long: 'selector',
    short: 'l',
    kind: 'string',
    arg: 'selector',
    description: 'Label selector sent to the API server, e.g. app=service,tier!=db.',
  },
  {
    long: 'verbosity',
    kind: 'int',
    default: '0',
    arg: 'level',
    description:
      'Log API requests on stderr: 6 = method, URL, status and time; 8 adds headers (tokens redacted).',
  },
  {
    long: 'version',
    short: 'v',
    kind: 'bool',
    default: 'false',
    description: 'Print the version and exit.',
  },
];
