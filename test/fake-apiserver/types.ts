// JSON shapes of the Kubernetes objects the fake server stores and sends (only what it fills in).

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
}

export interface ContainerStateTerminated {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID?: string;
}

export interface ContainerState {
  running?: { startedAt: string };
  waiting?: { reason: string; message?: string };
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started?: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  resources: Record<string, unknown>;
  terminationMessagePath: string;
  terminationMessagePolicy: string;
  imagePullPolicy: string;
}

export interface PodCondition {
  type: string;
  status: string;
  lastProbeTime: null;
  lastTransitionTime: string;
}

export interface Pod {
  kind: 'Pod';
  apiVersion: 'v1';
  metadata: ObjectMeta;
  spec: {
    containers: ContainerSpec[];
    initContainers?: ContainerSpec[];
    restartPolicy: string;
    terminationGracePeriodSeconds: number;
    dnsPolicy: string;
    serviceAccountName: string;
    serviceAccount: string;
    nodeName?: string;
    securityContext: Record<string, unknown>;
    schedulerName: string;
    enableServiceLinks: boolean;
    priority: number;
    preemptionPolicy: string;
  };
  status: {
    phase: string;
    conditions: PodCondition[];
    hostIP?: string;
    hostIPs?: { ip: string }[];
    podIP?: string;
    podIPs?: { ip: string }[];
    startTime: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses: ContainerStatus[];
    qosClass: string;
  };
}

/** Any stored API object (pods, workloads, namespaces, nodes). */
export interface KubeObject {
  kind: string;
  apiVersion: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
