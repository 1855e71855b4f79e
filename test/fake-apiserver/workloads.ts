// Workload objects (for resource queries like `deployment/x`): their JSON and where they live in the API.
import { randomUUID } from 'node:crypto';
import { rfc3339 } from './time.ts';
import type { KubeObject } from './types.ts';

export type WorkloadKind =
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'Service'
  | 'ReplicationController';

export interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface CreateWorkloadOptions {
  namespace?: string;
  name: string;
  /** A LabelSelector (apps, batch) or a plain label map (Service, ReplicationController). */
  selector?: LabelSelectorJson | Record<string, string>;
  templateLabels?: Record<string, string>;
  labels?: Record<string, string>;
  replicas?: number;
}

export interface ResourceInfo {
  kind: WorkloadKind;
  resource: string;
  group: string;
  version: string;
  shortNames: string[];
}

export const WORKLOAD_RESOURCES: ResourceInfo[] = [
  { kind: 'Deployment', resource: 'deployments', group: 'apps', version: 'v1', shortNames: ['deploy'] },
  { kind: 'ReplicaSet', resource: 'replicasets', group: 'apps', version: 'v1', shortNames: ['rs'] },
  { kind: 'StatefulSet', resource: 'statefulsets', group: 'apps', version: 'v1', shortNames: ['sts'] },
  { kind: 'DaemonSet', resource: 'daemonsets', group: 'apps', version: 'v1', shortNames: ['ds'] },
  { kind: 'Job', resource: 'jobs', group: 'batch', version: 'v1', shortNames: [] },
  { kind: 'CronJob', resource: 'cronjobs', group: 'batch', version: 'v1', shortNames: ['cj'] },
  { kind: 'Service', resource: 'services', group: '', version: 'v1', shortNames: ['svc'] },
  {
    kind: 'ReplicationController',
    resource: 'replicationcontrollers',
    group: '',
    version: 'v1',
    shortNames: ['rc'],
  },
];

export const resourceOf = (kind: WorkloadKind): ResourceInfo =>
  WORKLOAD_RESOURCES.find((r) => r.kind === kind)!;

function isLabelSelector(s: CreateWorkloadOptions['selector']): s is LabelSelectorJson {
  return (
    s !== undefined && ('matchLabels' in s || 'matchExpressions' in s) && typeof s.matchLabels !== 'string'
  );
}

function podTemplate(labels: Record<string, string>) {
  return {
    metadata: { labels, creationTimestamp: null },
    spec: {
      containers: [{ name: 'app', image: 'kstern-demo/app:1.0', resources: {} }],
      restartPolicy: 'Always',
    },
  };
}

export function buildWorkload(kind: WorkloadKind, o: CreateWorkloadOptions, rv: number): KubeObject {
  const info = resourceOf(kind);
  const sel = o.selector;
  const map: Record<string, string> = isLabelSelector(sel)
    ? { ...(sel.matchLabels ?? {}) }
    : { ...((sel as Record<string, string> | undefined) ?? {}) };
  const labelSelector: LabelSelectorJson = isLabelSelector(sel) ? structuredClone(sel) : { matchLabels: map };
  const templateLabels = o.templateLabels ?? map;
  const replicas = o.replicas ?? 1;
  const metadata = {
    name: o.name,
    namespace: o.namespace ?? 'default',
    uid: randomUUID(),
    resourceVersion: String(rv),
    generation: 1,
    creationTimestamp: rfc3339(),
    labels: { ...(o.labels ?? templateLabels) },
  };
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  const base = { kind, apiVersion, metadata };
  switch (kind) {
    case 'Service':
      return {
        ...base,
        spec: {
          selector: map,
          ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }],
          clusterIP: '10.96.0.10',
          type: 'ClusterIP',
        },
        status: { loadBalancer: {} },
      };
    case 'ReplicationController':
      return {
        ...base,
        spec: { replicas, selector: map, template: podTemplate(templateLabels) },
        status: { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
      };
    case 'CronJob':
      return {
        ...base,
        spec: {
          schedule: '*/5 * * * *',
          concurrencyPolicy: 'Allow',
          suspend: false,
          jobTemplate: { metadata: {}, spec: { template: podTemplate(templateLabels) } },
        },
        status: {},
      };
    case 'Job':
      return {
        ...base,
        spec: {
          parallelism: 1,
          completions: 1,
          backoffLimit: 6,
          selector: labelSelector,
          template: podTemplate(templateLabels),
        },
        status: { active: 1, startTime: metadata.creationTimestamp },
      };
    case 'DaemonSet':
      return {
        ...base,
        spec: { selector: labelSelector, template: podTemplate(templateLabels) },
        status: {
          currentNumberScheduled: 1,
          desiredNumberScheduled: 1,
          numberReady: 1,
          numberMisscheduled: 0,
        },
      };
    default:
      return {
        ...base,
        spec: { replicas, selector: labelSelector, template: podTemplate(templateLabels) },
        status: { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
      };
  }
}
