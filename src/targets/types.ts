// A target is one container of one pod: the unit kstern tails.
import type { Pod } from '../kube/types.ts';

export type ContainerKind = 'init' | 'regular' | 'ephemeral';
export type ContainerStateName = 'running' | 'waiting' | 'terminated';

export interface Target {
  /** `<namespace>/<pod>/<container>`: stable across container restarts. */
  readonly key: string;
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
  readonly container: string;
  readonly kind: ContainerKind;
  /** The container instance this tail reads (stern's chooseContainerID). */
  readonly containerId: string;
  /** The pod object as last seen when this target was created (labels, node name, ...). */
  readonly podObject: Pod;
  /**
   * Follow mode, attached after a crash-restart (with --tail or --since): the window of the previous
   * instance's log is printed first, its lines marked `previous`.
   */
  readonly previousFirst?: boolean;
}

/** A compiled name pattern (RegExp or a linear-time UserRegex). */
export interface Matcher {
  test(s: string): boolean;
}

/** Which containers of a matching pod are tailed. Compiled once from the flags. */
export interface ContainerFilter {
  /** -c/--container, unanchored. */
  container: Matcher;
  /** -E/--exclude-container. */
  excludeContainer: Matcher[];
  initContainers: boolean;
  ephemeralContainers: boolean;
  /** --container-state; empty or containing all three means all. Applies to the first sighting only. */
  states: ReadonlySet<ContainerStateName>;
}

/** Which pods match. */
export interface PodFilter {
  /** The pod query, unanchored. */
  query: Matcher;
  excludePod: Matcher[];
}
