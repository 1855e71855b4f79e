// The one fully-typed, validated configuration of a run. Built once from argv at the edge
// (src/cli/parse.ts); nothing below it parses a flag or reads the environment.
import type { ContainerFilter, PodFilter } from '../targets/types.ts';

export type ColorMode = 'auto' | 'always' | 'never';

export interface Config {
  readonly podFilter: PodFilter;
  readonly containerFilter: ContainerFilter;
  /** Namespaces given with -n (de-duplicated); empty means the context's namespace. */
  readonly namespaces: readonly string[];
  readonly allNamespaces: boolean;
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly color: ColorMode;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly onlyLogLines: boolean;
  readonly verbosity: number;
}

/** What the command line asks for: a run, or something that prints and exits. */
export type Command = { kind: 'run'; config: Config } | { kind: 'version' } | { kind: 'help'; text: string };
