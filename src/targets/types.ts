// A target is one container of one pod: the unit kstern tails.
import type { ContainerStateName } from '../core/model.ts';

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
