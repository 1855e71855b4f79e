// Building realistic Pod JSON and the pure container-state transitions (restart, terminate, wait).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rfc3339 } from './time.ts';
import type { ContainerSpec, ContainerStatus, OwnerReference, Pod, PodCondition } from './types.ts';

export interface CreatePodOptions {
  namespace?: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Default 'node-1'. Pass '' for an unscheduled pod. */
  nodeName?: string;
  /** Container names; each starts Running with a fresh containerID (unless listed in `waiting`). */
  containers: string[];
  /** Init containers: Terminated (Completed, exit 0) with a containerID. */
  initContainers?: string[];
  ownerReferences?: OwnerReference[];
  /** Overrides the computed phase. */
  phase?: string;
  /** Container name -> image (default `kstern-demo/<name>:1.0`). */
  images?: Record<string, string>;
  /**
   * Container name -> waiting reason (or reason and message): these start Waiting without a containerID
   * (e.g. ContainerCreating, or ImagePullBackOff with the kubelet's message).
   */
  waiting?: Record<string, string | { reason: string; message?: string }>;
}

export const newContainerId = (): string => `containerd://${randomBytes(32).toString('hex')}`;

function containerSpec(name: string, image: string): ContainerSpec {
  return {
    name,
    image,
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

function imageId(image: string): string {
  const repo = image.replace(/:[^:/]+$/, '');
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

let ipCounter = 2;

export function buildPod(o: CreatePodOptions): Pod {
  const now = rfc3339();
  const image = (c: string) => o.images?.[c] ?? `kstern-demo/${c}:1.0`;
  const status = (c: string, init: boolean): ContainerStatus => {
    const w = o.waiting?.[c];
    const waiting = typeof w === 'string' ? { reason: w } : w;
    const s: ContainerStatus = {
      name: c,
      state: {},
      lastState: {},
      ready: false,
      restartCount: 0,
      image: image(c),
      imageID: imageId(image(c)),
      started: false,
    };
    if (waiting !== undefined) {
      s.state = { waiting: { ...waiting } };
      s.imageID = '';
    } else if (init) {
      s.containerID = newContainerId();
      s.state = {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: now,
          finishedAt: now,
          containerID: s.containerID,
        },
      };
    } else {
      s.containerID = newContainerId();
      s.state = { running: { startedAt: now } };
      s.ready = true;
      s.started = true;
    }
    return s;
  };
  const nodeName = o.nodeName ?? 'node-1';
  const n = ipCounter++;
  const podIP = `10.244.${(n >> 8) & 255}.${n & 255}`;
  const pod: Pod = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: randomUUID(),
      resourceVersion: '0',
      creationTimestamp: now,
    },
    spec: {
      containers: o.containers.map((c) => containerSpec(c, image(c))),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [],
      startTime: now,
      containerStatuses: o.containers.map((c) => status(c, false)),
      qosClass: 'BestEffort',
    },
  };
  if (o.labels) pod.metadata.labels = { ...o.labels };
  if (o.annotations) pod.metadata.annotations = { ...o.annotations };
  if (o.ownerReferences) pod.metadata.ownerReferences = o.ownerReferences.map((r) => ({ ...r }));
  if (nodeName) {
    pod.spec.nodeName = nodeName;
    pod.status.hostIP = '10.0.0.10';
    pod.status.hostIPs = [{ ip: '10.0.0.10' }];
    pod.status.podIP = podIP;
    pod.status.podIPs = [{ ip: podIP }];
  }
  if (o.initContainers?.length) {
    pod.spec.initContainers = o.initContainers.map((c) => containerSpec(c, image(c)));
    pod.status.initContainerStatuses = o.initContainers.map((c) => status(c, true));
  }
  refreshPodStatus(pod, o.phase);
  return pod;
}

/** Recomputes phase (unless given) and conditions from the container statuses. */
export function refreshPodStatus(pod: Pod, phase?: string): void {
  const cs = pod.status.containerStatuses;
  const allReady = cs.every((c) => c.ready);
  if (phase) {
    pod.status.phase = phase;
  } else if (cs.every((c) => c.state.terminated)) {
    pod.status.phase = cs.every((c) => c.state.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
  } else if (cs.some((c) => c.state.waiting && !c.lastState.terminated && c.restartCount === 0)) {
    pod.status.phase = 'Pending';
  } else {
    pod.status.phase = 'Running';
  }
  const t = pod.metadata.creationTimestamp;
  const cond = (type: string, ok: boolean): PodCondition => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: t,
  });
  pod.status.conditions = [
    cond('PodReadyToStartContainers', true),
    cond('Initialized', true),
    cond('Ready', allReady),
    cond('ContainersReady', allReady),
    cond('PodScheduled', true),
  ];
}

/** Finds a container's status (regular or init). */
export function containerStatus(pod: Pod, container: string): ContainerStatus | undefined {
  return (
    pod.status.containerStatuses.find((c) => c.name === container) ??
    pod.status.initContainerStatuses?.find((c) => c.name === container)
  );
}

/** The containerID of the instance currently producing logs (running or terminated), if any. */
export function currentInstance(s: ContainerStatus): string | undefined {
  return s.state.running ? s.containerID : s.state.terminated?.containerID;
}

/** The kubelet's reason for an exit code when none is given: Completed or Error. */
export function exitReason(exitCode: number): string {
  return exitCode === 0 ? 'Completed' : 'Error';
}

/** Ends the current instance: it becomes lastState.terminated or state.terminated. */
function terminate(
  s: ContainerStatus,
  exitCode: number,
  into: 'state' | 'lastState',
  reason = exitReason(exitCode),
): void {
  const now = rfc3339();
  const term = {
    exitCode,
    reason,
    startedAt: s.state.running?.startedAt ?? now,
    finishedAt: now,
    ...(s.containerID ? { containerID: s.containerID } : {}),
  };
  if (into === 'state') s.state = { terminated: term };
  else s.lastState = { terminated: term };
  s.ready = false;
  s.started = false;
}

/** Old instance -> lastState.terminated; a new running instance with a new containerID. */
export function restart(s: ContainerStatus, exitCode = 1, reason?: string): void {
  const hadInstance = Boolean(s.containerID) || Boolean(s.lastState.terminated);
  if (s.state.running) terminate(s, exitCode, 'lastState', reason);
  else if (s.state.terminated) s.lastState = { terminated: s.state.terminated };
  s.containerID = newContainerId();
  s.state = { running: { startedAt: rfc3339() } };
  s.ready = true;
  s.started = true;
  if (!s.imageID) s.imageID = imageId(s.image);
  if (hadInstance) s.restartCount++;
}

/** The running instance stops: state.terminated (it keeps its containerID and log). */
export function stop(s: ContainerStatus, exitCode = 0, reason?: string): void {
  if (s.state.running) terminate(s, exitCode, 'state', reason);
}

/** The container waits (e.g. CrashLoopBackOff); a running instance moves to lastState.terminated. */
export function wait(s: ContainerStatus, reason: string, message?: string): void {
  if (s.state.running) terminate(s, 1, 'lastState');
  else if (s.state.terminated) s.lastState = { terminated: s.state.terminated };
  s.state = { waiting: message === undefined ? { reason } : { reason, message } };
  s.ready = false;
  s.started = false;
}

/** Values of the field selectors the API supports for pods. */
export function podFields(pod: Pod): Record<string, string> {
  return {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace ?? '',
    'spec.nodeName': pod.spec.nodeName ?? '',
    'spec.restartPolicy': pod.spec.restartPolicy,
    'spec.schedulerName': pod.spec.schedulerName,
    'spec.serviceAccountName': pod.spec.serviceAccountName,
    'spec.hostNetwork': 'false',
    'status.phase': pod.status.phase,
    'status.podIP': pod.status.podIP ?? '',
    'status.podIPs': pod.status.podIP ?? '',
    'status.nominatedNodeName': '',
  };
}

export const POD_FIELDS: readonly string[] = [
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.podIPs',
  'status.nominatedNodeName',
];
