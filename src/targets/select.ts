// Which containers of which pods to tail, and when a container instance is new (stern's targetFilter,
// shouldAdd and chooseContainerID). Pure: no I/O, no clock.
import type { ContainerStatus, Pod } from '../core/kube-objects.ts';
import type { ContainerKind, ContainerStateName, Target } from '../core/model.ts';
import type { ContainerFilter, Matcher, PodFilter } from './types.ts';

/**
 * The container instance whose log the API serves for this status (kubelet's validateContainerLogStatus):
 * running → its id; terminated → its id when set; otherwise the last terminated instance's id (so a
 * CrashLoopBackOff container tails its last run); otherwise '' (nothing to read yet).
 */
export function chooseContainerId(s: ContainerStatus): string {
  const state = s.state;
  if (state?.running) return s.containerID ?? '';
  if (state?.terminated?.containerID) return state.terminated.containerID;
  return s.lastState?.terminated?.containerID || '';
}

/** The current state's name, in stern's precedence (running, terminated, waiting); undefined if none. */
export function containerState(s: ContainerStatus): ContainerStateName | undefined {
  const state = s.state;
  if (!state) return undefined;
  if (state.running) return 'running';
  if (state.terminated) return 'terminated';
  if (state.waiting) return 'waiting';
  return undefined;
}

/** `re.test`, immune to a RegExp's `g`/`y` lastIndex. */
function matches(re: Matcher, s: string): boolean {
  if (re instanceof RegExp && (re.global || re.sticky)) re.lastIndex = 0;
  return re.test(s);
}

/** -c matches the container name and no -E pattern does. */
export function containerSelected(name: string, f: ContainerFilter): boolean {
  if (!matches(f.container, name)) return false;
  for (const re of f.excludeContainer) if (matches(re, name)) return false;
  return true;
}

/** The pod query (unanchored) matches the pod name and no --exclude-pod pattern does. */
export function podMatches(pod: Pod, f: PodFilter): boolean {
  const name = pod.metadata.name;
  if (!matches(f.query, name)) return false;
  for (const re of f.excludePod) if (matches(re, name)) return false;
  return true;
}

/**
 * Told every status of a selected container as it is recorded, with the one recorded before for the same
 * pod (undefined at the first sighting or after the pod was re-created): for notices (notices.ts).
 */
export type StatusListener = (pod: Pod, before: ContainerStatus | undefined, now: ContainerStatus) => void;

/** What the latest pod state says about the container instance a tail reads. */
export type TargetStatus = 'active' | 'terminated' | 'replaced' | 'gone';

interface Entry {
  podUid: string;
  /** The instance the latest status points at ('' = none yet). */
  containerId: string;
  status: ContainerStatus;
  /** The target started for `containerId`, if any (none when its first sighting did not match --container-state). */
  target: Target | undefined;
}

/**
 * The per-run memory of which container instances have been seen, keyed by `<ns>/<pod>/<container>`.
 * Not thread-safe by design: the caller feeds it watch events in order.
 */
export class TargetSet {
  readonly #pods: PodFilter;
  readonly #containers: ContainerFilter;
  readonly #allStates: boolean;
  readonly #onStatus: StatusListener | undefined;
  /** `<ns>/<pod>` → container name → entry. */
  readonly #entries = new Map<string, Map<string, Entry>>();

  constructor(podFilter: PodFilter, containerFilter: ContainerFilter, onStatus?: StatusListener) {
    this.#pods = podFilter;
    this.#containers = containerFilter;
    this.#onStatus = onStatus;
    this.#allStates = containerFilter.states.size === 0 || containerFilter.states.size >= 3;
  }

  /** A pod was added, modified or relisted: the targets to start now, in init, regular, ephemeral order. */
  visit(pod: Pod): Target[] {
    if (!podMatches(pod, this.#pods)) return [];
    const cf = this.#containers;
    const st = pod.status;
    const out: Target[] = [];
    if (cf.initContainers) this.#visitAll(pod, st?.initContainerStatuses, 'init', out);
    this.#visitAll(pod, st?.containerStatuses, 'regular', out);
    if (cf.ephemeralContainers) this.#visitAll(pod, st?.ephemeralContainerStatuses, 'ephemeral', out);
    return out;
  }

  /** A pod was deleted: forget its containers (those recorded under its uid), so a re-creation is tailed again. */
  forget(pod: Pod): void {
    const podKey = podKeyOf(pod);
    const byName = this.#entries.get(podKey);
    if (!byName) return;
    const uid = pod.metadata.uid;
    for (const [name, e] of byName) if (uid === undefined || e.podUid === uid) byName.delete(name);
    if (byName.size === 0) this.#entries.delete(podKey);
  }

  /**
   * For a tail whose stream ended: 'gone' if its pod was deleted or re-created (other uid), 'replaced' if the
   * container now runs another instance, 'terminated' if this instance has ended, else 'active' (resume it).
   */
  status(t: Target): TargetStatus {
    const e = this.#entries.get(`${t.namespace}/${t.pod}`)?.get(t.container);
    if (!e || e.podUid !== t.podUid) return 'gone';
    if (e.containerId !== t.containerId) return 'replaced';
    return containerState(e.status) === 'running' ? 'active' : 'terminated';
  }

  /** The targets started for the instances currently remembered. */
  targets(): Target[] {
    const out: Target[] = [];
    for (const byName of this.#entries.values())
      for (const e of byName.values()) if (e.target) out.push(e.target);
    return out;
  }

  get size(): number {
    let n = 0;
    for (const byName of this.#entries.values()) for (const e of byName.values()) if (e.target) n++;
    return n;
  }

  #visitAll(pod: Pod, statuses: ContainerStatus[] | undefined, kind: ContainerKind, out: Target[]): void {
    if (!statuses) return;
    const cf = this.#containers;
    for (const s of statuses) {
      if (!containerSelected(s.name, cf)) continue;
      const t = this.#observe(pod, s, kind);
      if (t) out.push(t);
    }
  }

  /** Records the latest status; returns a Target when this container instance is to be tailed now. */
  #observe(pod: Pod, s: ContainerStatus, kind: ContainerKind): Target | undefined {
    const podKey = podKeyOf(pod);
    let byName = this.#entries.get(podKey);
    if (!byName) this.#entries.set(podKey, (byName = new Map()));
    const podUid = pod.metadata.uid ?? '';
    const containerId = chooseContainerId(s);
    const last = byName.get(s.name);
    const entry: Entry = { podUid, containerId, status: s, target: undefined };
    byName.set(s.name, entry);
    this.#onStatus?.(pod, last !== undefined && last.podUid === podUid ? last.status : undefined, s);

    const same = last !== undefined && last.podUid === podUid && last.containerId === containerId;
    if (same) entry.target = last.target;
    if (containerId === '' || same) return undefined;
    // First sighting: only if its state matches --container-state. A new instance (restart or re-created
    // pod): always, because a container that starts and ends between two events never shows 'running'.
    if (last === undefined && !this.#stateMatches(s)) return undefined;
    entry.target = makeTarget(pod, podKey, s.name, kind, podUid, containerId);
    return entry.target;
  }

  #stateMatches(s: ContainerStatus): boolean {
    if (this.#allStates) return true;
    const state = containerState(s);
    return state !== undefined && this.#containers.states.has(state);
  }
}

function podKeyOf(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

function makeTarget(
  pod: Pod,
  podKey: string,
  container: string,
  kind: ContainerKind,
  podUid: string,
  containerId: string,
): Target {
  return {
    key: `${podKey}/${container}`,
    namespace: pod.metadata.namespace ?? '',
    pod: pod.metadata.name,
    podUid,
    container,
    kind,
    containerId,
    podObject: pod,
  };
}
