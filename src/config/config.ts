// The one fully-typed, validated configuration of a run. Built once from argv at the edge
// (src/cli/parse.ts); nothing below it parses a flag or reads the environment.
import type { Condition } from '../targets/condition.ts';
import type { ContainerFilter, PodFilter } from '../targets/types.ts';
import type { Kind } from './kind.ts';
import type { UserRegex } from './user-regex.ts';

// The values of every enum flag, once: the flag table (cli/options.ts), the parser and these types are
// all derived from them.
// In stern's order: its error message lists them so.
export const COLOR_MODES = ['always', 'never', 'auto'] as const;
export const OUTPUT_FORMATS = ['default', 'raw', 'json', 'extjson', 'ppextjson'] as const;
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export const CONTAINER_STATES = ['running', 'waiting', 'terminated', 'all'] as const;
export const EVENT_KINDS = ['warning', 'all'] as const;
export const TIMESTAMP_FORMATS = ['default', 'short'] as const;
export const UNTIL_CONDITIONS = ['done'] as const;

export type ColorMode = (typeof COLOR_MODES)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type Shell = (typeof SHELLS)[number];
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

/** kubectl's connection flags (--server, --token, ...): override what the kubeconfig says. */
export interface KubeOverrides {
  as?: string;
  asGroups?: string[];
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  cluster?: string;
  insecureSkipTlsVerify?: boolean;
  /** Milliseconds; for requests, not for streams. */
  requestTimeoutMs?: number;
  server?: string;
  tlsServerName?: string;
  token?: string;
  user?: string;
}

export interface Config {
  readonly podFilter: PodFilter;
  readonly containerFilter: ContainerFilter;
  /** The pod query as typed (a regular expression or `<kind>/<name>`), for messages; undefined if none. */
  readonly queryText: string | undefined;
  /** `<kind>/<name>` query: pods selected by the workload's selector. */
  readonly resource: { kind: Exclude<Kind, 'pod'>; name: string } | undefined;
  readonly condition: Condition | undefined;
  /** Namespaces given with -n (de-duplicated); empty means the context's namespace. */
  readonly namespaces: readonly string[];
  readonly allNamespaces: boolean;
  readonly labelSelector: string | undefined;
  /** --field-selector and --node, joined. */
  readonly fieldSelector: string | undefined;
  readonly include: readonly UserRegex[];
  readonly exclude: readonly UserRegex[];
  /** Sources of the --include and --highlight patterns, for highlighting. */
  readonly highlight: readonly string[];
  /** --since in milliseconds. */
  readonly sinceMs: number | undefined;
  /** --since-time, normalised RFC3339 UTC. */
  readonly sinceTime: string | undefined;
  /** --tail; -1 means all. */
  readonly tail: number;
  readonly follow: boolean;
  readonly maxLogRequests: number;
  /** --max-line-bytes: a longer log line is printed in marked pieces of this size. */
  readonly maxLineBytes: number;
  readonly output: OutputFormat;
  /** --template text, or --template-file path (read at start-up). */
  readonly template: { text: string } | { file: string } | undefined;
  readonly templateNoNewline: boolean;
  readonly timestamps: TimestampFormat | undefined;
  readonly timezone: string;
  readonly podColors: readonly string[];
  readonly containerColors: readonly string[];
  readonly diffContainer: boolean;
  readonly prompt: boolean;
  readonly stdin: boolean;
  readonly color: ColorMode;
  readonly kubeconfig: string | undefined;
  /** --context: the first one given (the only one, usually). */
  readonly context: string | undefined;
  /** Every --context given; more than one tails the same query in each cluster at once. */
  readonly contexts: readonly string[];
  readonly kube: KubeOverrides;
  readonly onlyLogLines: boolean;
  /** --sanitize: escape terminal control sequences even when stdout is not a terminal. */
  readonly sanitize: boolean;
  readonly verbosity: number;
  /** --qps / --burst: the rate limit of list and get requests; undefined means none. */
  readonly throttle: { readonly qps: number; readonly burst: number } | undefined;
  /** --allow-empty: a query matching no pod exits 0 rather than EXIT.nothingMatched. */
  readonly allowEmpty: boolean;
  /** --wait: how long to wait for a first matching pod, in milliseconds. */
  readonly waitMs: number | undefined;
  /** --until done: follow until every matched pod (or the Job) is over, then exit. */
  readonly until: (typeof UNTIL_CONDITIONS)[number] | undefined;
  /** --until-timeout in milliseconds. */
  readonly untilTimeoutMs: number | undefined;
  /** --previous: read the last terminated instance of each container (implies --no-follow). */
  readonly previous: boolean;
  /** --events: the tailed pods' events too (Warning ones, or all). */
  readonly events: (typeof EVENT_KINDS)[number] | undefined;
  /** --quiet: no summary line. */
  readonly quiet: boolean;
}

/** What the command line asks for: a run, or something that prints and exits. */
export type Command =
  | { kind: 'run'; config: Config }
  | { kind: 'version' }
  | { kind: 'help'; text: string }
  | { kind: 'hidden-options'; text: string }
  | { kind: 'completion'; shell: Shell };
