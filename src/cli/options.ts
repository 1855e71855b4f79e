// Every flag kstern accepts, in one table. The commander program, the README flag table and the
// shell completion are all generated from it, so they cannot drift apart.
import {
  COLOR_MODES,
  CONTAINER_STATES,
  EVENT_KINDS,
  OUTPUT_FORMATS,
  SHELLS,
  TIMESTAMP_FORMATS,
  UNTIL_CONDITIONS,
} from '../config/config.ts';

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
    long: 'allow-empty',
    kind: 'bool',
    default: 'false',
    description:
      'A query that matches no pod is a success: exit 0 instead of 3 (the stderr line naming what was searched is still printed).',
  },
  {
    long: 'burst',
    kind: 'int',
    default: '2 × --qps',
    arg: 'n',
    description:
      'With --qps: how many list and get requests may go at once before the rate applies (at least 1).',
  },
  {
    long: 'color',
    kind: 'enum',
    choices: COLOR_MODES,
    default: 'auto',
    arg: 'when',
    description:
      'Colour output: auto (when stdout is a terminal and NO_COLOR is unset; FORCE_COLOR forces it), always or never.',
  },
  {
    long: 'completion',
    kind: 'enum',
    choices: SHELLS,
    arg: 'shell',
    description: 'Print the shell completion script for bash, zsh or fish and exit.',
  },
  {
    long: 'condition',
    kind: 'string',
    arg: 'name[=value]',
    description:
      'Tail only pods with this condition (e.g. ready=false; the value defaults to true). Needs --tail=0 or --no-follow.',
  },
  {
    long: 'config',
    kind: 'string',
    default: '~/.config/kstern/config.yaml',
    arg: 'path',
    description:
      "Config file of default flag values (YAML, long flag names). Wins over $KSTERNCONFIG. With neither and no default file, stern's is read ($STERNCONFIG, else ~/.config/stern/config.yaml).",
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
    long: 'container-colors',
    kind: 'list',
    arg: 'colors',
    description:
      'Colours for container names, comma-separated, in the forms of --pod-colors (e.g. 32,33,36 or cyan,#78dce8); as many as --pod-colors. Default: the pod colours.',
  },
  {
    long: 'container-state',
    kind: 'list',
    choices: CONTAINER_STATES,
    default: 'all',
    arg: 'state',
    description:
      'Tail containers first seen in this state: running, waiting, terminated or all (repeatable, comma-separated). A restarted container is always tailed.',
  },
  {
    long: 'context',
    kind: 'list',
    arg: 'name',
    description:
      'The kubeconfig context to use. Several (repeatable, comma-separated) tail the same query in each cluster at once, the context shown before each line.',
  },
  {
    long: 'diff-container',
    short: 'd',
    kind: 'bool',
    default: 'false',
    description: 'Colour each container by its own name rather than by its pod.',
  },
  {
    long: 'ephemeral-containers',
    kind: 'bool',
    default: 'true',
    description: 'Include ephemeral containers (--ephemeral-containers=false to leave them out).',
  },
  {
    long: 'events',
    kind: 'enum',
    choices: EVENT_KINDS,
    arg: 'which',
    description:
      'Also print the Kubernetes events of the tailed pods on stdout ("<pod> [event] Warning BackOff: …"; their own shape with -o json): Warning events with a bare --events, all with --events=all.',
  },
  {
    long: 'exclude',
    short: 'e',
    kind: 'array',
    arg: 'regex',
    description: 'Drop log lines matching this regular expression (repeatable).',
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
    long: 'highlight',
    short: 'H',
    kind: 'array',
    arg: 'regex',
    description: 'Highlight matches of this regular expression in red (repeatable; lines are not filtered).',
  },
  {
    long: 'include',
    short: 'i',
    kind: 'array',
    arg: 'regex',
    description: 'Keep only log lines matching one of these regular expressions, highlighted (repeatable).',
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
    long: 'max-line-bytes',
    kind: 'string',
    default: '8Mi',
    arg: 'size',
    description:
      'Longest line printed whole (bytes, or with Ki/Mi/Gi). A longer line is printed in pieces of this size, each but the last marked "[continued: …]"; memory stays bounded.',
  },
  {
    long: 'max-log-requests',
    kind: 'int',
    default: '1000 (5 with --no-follow)',
    arg: 'n',
    description:
      'Most log streams open at once. Streams beyond it wait in a queue rather than ending the run; kstern says how many stream and how many wait (which ones with --verbosity).',
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
    long: 'no-follow',
    kind: 'bool',
    default: 'false',
    description:
      'Print the logs there are and exit: 0 if every stream was read to its end, 1 if one failed, 3 if nothing matched (see Exit codes).',
  },
  {
    long: 'node',
    kind: 'string',
    arg: 'name',
    description: 'Tail only pods on this node (adds spec.nodeName=<node> to the field selector).',
  },
  {
    long: 'only-log-lines',
    kind: 'bool',
    default: 'false',
    description: 'Print only log lines: no "+ pod › container" / "- pod › container" lines on stderr.',
  },
  {
    long: 'output',
    short: 'o',
    kind: 'enum',
    choices: OUTPUT_FORMATS,
    default: 'default',
    arg: 'format',
    description: 'Output format: default, raw (the message only), json, extjson or ppextjson.',
  },
  {
    long: 'pod-colors',
    kind: 'list',
    arg: 'colors',
    description:
      'Colours for pod names, comma-separated: SGR sequences as stern takes them (91,92,93 or 38;2;255;97;136), names (red, cyanBright) or hex (#ff6188), shown in the nearest colour the terminal has.',
  },
  {
    long: 'previous',
    kind: 'bool',
    default: 'false',
    description:
      'Print the log of the last terminated instance of each matched container (the crash before a restart), then exit; a container that never restarted is said once on stderr. Long form only: -p is --prompt.',
  },
  {
    long: 'prompt',
    short: 'p',
    kind: 'bool',
    default: 'false',
    description: 'Pick an app.kubernetes.io/instance label value from a list (needs a terminal).',
  },
  {
    long: 'qps',
    kind: 'string',
    default: '0',
    arg: 'rate',
    description:
      'Most list and get requests (pod lists, pod and workload lookups, events, discovery) per second to the API server; 0 means no limit. Watches and log streams are long-running and never throttled.',
  },
  {
    long: 'quiet',
    kind: 'bool',
    default: 'false',
    description:
      'No summary line at the end of --no-follow and --until (containers, lines, failed streams, exit codes); --only-log-lines also drops it.',
  },
  {
    long: 'sanitize',
    kind: 'bool',
    default: 'false',
    description:
      'Show terminal control sequences in log lines escaped (\\x1b…) even when stdout is not a terminal. On a terminal this is always done; SGR colours pass with --color on.',
  },
  {
    long: 'selector',
    short: 'l',
    kind: 'string',
    arg: 'selector',
    description: 'Label selector sent to the API server, e.g. app=service,tier!=db.',
  },
  {
    long: 'show-hidden-options',
    kind: 'bool',
    default: 'false',
    description: 'List the kubectl connection flags kstern also accepts, and exit.',
  },
  {
    long: 'since',
    short: 's',
    kind: 'string',
    arg: 'duration',
    description:
      'Only lines newer than this duration: Go syntax (15m, 1h30m, 300ms) or a number and a unit (2d, "2 days", 1.5h). Default: all.',
  },
  {
    long: 'since-time',
    kind: 'string',
    arg: 'time',
    description: 'Only lines at or after this RFC3339 time (e.g. 2026-01-02T15:04:05Z).',
  },
  {
    long: 'stdin',
    kind: 'bool',
    default: 'false',
    description: 'Format lines read from stdin (with the filters and templates); no cluster needed.',
  },
  {
    long: 'tail',
    kind: 'int',
    default: '-1',
    arg: 'lines',
    description: 'Lines from the end of each container log to start with; -1 means all.',
  },
  {
    long: 'template',
    kind: 'string',
    arg: 'template',
    description:
      'Go text/template for each line (overrides --output); a newline is added unless the output ends with one.',
  },
  {
    long: 'template-file',
    short: 'T',
    kind: 'string',
    arg: 'path',
    description: 'Read the template from this file (overrides --template).',
  },
  {
    long: 'template-no-newline',
    kind: 'bool',
    default: 'false',
    description: 'Do not add a newline after each line rendered by --template / --template-file.',
  },
  {
    long: 'timestamps',
    short: 't',
    kind: 'enum',
    choices: TIMESTAMP_FORMATS,
    arg: 'format',
    description:
      "Print each line's timestamp: default (RFC3339, nanoseconds) or short (01-02 15:04:05). A bare -t means default; write --timestamps=short.",
  },
  {
    long: 'timezone',
    kind: 'string',
    default: 'Local',
    arg: 'zone',
    description: 'Time zone for --timestamps: an IANA name (Asia/Tokyo), UTC or Local.',
  },
  {
    long: 'until',
    kind: 'enum',
    choices: UNTIL_CONDITIONS,
    arg: 'condition',
    description:
      'done: follow until every matched pod is over (phase Succeeded or Failed; a job/<name> query: until the Job completes or fails, through its retries), then exit: 0 if all exited 0, 5 otherwise.',
  },
  {
    long: 'until-timeout',
    kind: 'string',
    arg: 'duration',
    description: 'With --until: give up after this long (Go duration, e.g. 10m) and exit 6.',
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
  {
    long: 'wait',
    kind: 'string',
    arg: 'duration',
    description:
      'Wait up to this long (Go duration, e.g. 2m) for a first pod matching the query, for CI steps that start before their pod exists; then exit 3 if none appeared.',
  },
  // kubectl's connection flags, listed by --show-hidden-options.
  { long: 'as', kind: 'string', arg: 'user', hidden: true, description: 'Username to impersonate.' },
  {
    long: 'as-group',
    kind: 'array',
    arg: 'group',
    hidden: true,
    description: 'Group to impersonate (repeatable).',
  },
  {
    long: 'certificate-authority',
    kind: 'string',
    arg: 'path',
    hidden: true,
    description: 'Path to a CA certificate file for the server.',
  },
  {
    long: 'client-certificate',
    kind: 'string',
    arg: 'path',
    hidden: true,
    description: 'Path to a client certificate file for TLS.',
  },
  {
    long: 'client-key',
    kind: 'string',
    arg: 'path',
    hidden: true,
    description: 'Path to a client key file for TLS.',
  },
  {
    long: 'cluster',
    kind: 'string',
    arg: 'name',
    hidden: true,
    description: 'The kubeconfig cluster to use.',
  },
  {
    long: 'insecure-skip-tls-verify',
    kind: 'bool',
    default: 'false',
    hidden: true,
    description: "Do not check the server's certificate (insecure).",
  },
  {
    long: 'request-timeout',
    kind: 'string',
    arg: 'duration',
    default: '0',
    hidden: true,
    description: 'Give up on a request (not a stream) after this long; 0 means no limit.',
  },
  { long: 'server', kind: 'string', arg: 'url', hidden: true, description: 'The address of the API server.' },
  {
    long: 'tls-server-name',
    kind: 'string',
    arg: 'name',
    hidden: true,
    description: 'Server name to check the server certificate against.',
  },
  {
    long: 'token',
    kind: 'string',
    arg: 'token',
    hidden: true,
    description: 'Bearer token for the API server.',
  },
  { long: 'user', kind: 'string', arg: 'name', hidden: true, description: 'The kubeconfig user to use.' },
];
