// The domain model at the bottom of the import graph: what every stage passes on. Imports nothing of
// ours but the Kubernetes object shapes beside it.
import type { Pod } from './kube-objects.ts';

/** A target is one container of one pod: the unit kstern tails. */
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

/** One log line, as read from a container's stream. */
export interface LogLine {
  target: Target;
  /** The API timestamp as sent (RFC3339Nano), or '' if the line had none. */
  timestamp: string;
  /** The content, without the timestamp and the line ending; bytes as sent (may be invalid UTF-8). */
  content: Buffer;
  /** A line of the container's previous (terminated) instance, printed before the current one's on attach. */
  previous?: boolean;
}

/** A Kubernetes event about a tailed pod, as `--events` prints it (each output gives it its own shape). */
export interface EventLine {
  namespace: string;
  pod: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  /** The last time it happened (RFC3339), '' if the event carries none. */
  time: string;
}
