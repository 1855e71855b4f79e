// Resource queries (`deployment/web`, `svc/api`, …; stern §2.1): which kind, where it lives in the API,
// and the label selector of its pods.
import { UserError } from '../util/errors.ts';

export type Kind =
  | 'pod'
  | 'replicationcontroller'
  | 'service'
  | 'daemonset'
  | 'deployment'
  | 'replicaset'
  | 'statefulset'
  | 'job'
  | 'cronjob';

interface KindInfo {
  aliases: readonly string[];
  /** `/api/v1` or `/apis/<group>/<version>` */
  prefix: string;
  resource: string;
}

const KINDS: Record<Kind, KindInfo> = {
  pod: { aliases: ['po', 'pods'], prefix: '/api/v1', resource: 'pods' },
  replicationcontroller: {
    aliases: ['rc', 'replicationcontrollers'],
    prefix: '/api/v1',
    resource: 'replicationcontrollers',
  },
  service: { aliases: ['svc', 'services'], prefix: '/api/v1', resource: 'services' },
  daemonset: { aliases: ['ds', 'daemonsets'], prefix: '/apis/apps/v1', resource: 'daemonsets' },
  deployment: { aliases: ['deploy', 'deployments'], prefix: '/apis/apps/v1', resource: 'deployments' },
  replicaset: { aliases: ['rs', 'replicasets'], prefix: '/apis/apps/v1', resource: 'replicasets' },
  statefulset: { aliases: ['sts', 'statefulsets'], prefix: '/apis/apps/v1', resource: 'statefulsets' },
  job: { aliases: ['jobs'], prefix: '/apis/batch/v1', resource: 'jobs' },
  cronjob: { aliases: ['cj', 'cronjobs'], prefix: '/apis/batch/v1', resource: 'cronjobs' },
};

const BY_NAME = new Map<string, Kind>(
  (Object.keys(KINDS) as Kind[]).flatMap((k) => [k, ...KINDS[k].aliases].map((n) => [n, k] as const)),
);

/**
 * `<kind>/<name>` with stern's kind names and aliases, case-insensitively; undefined when `q` has no `/`
 * (it is a pod-name regex then). Errors: `resource must be specified in the form "<resource>/<name>"`
 * (more than one `/`, or an empty side) and `resource type <kind> is not supported`.
 */
export function parseResourceQuery(q: string): { kind: Kind; name: string } | undefined {
  if (!q.includes('/')) return undefined;
  const parts = q.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new UserError('resource must be specified in the form "<resource>/<name>"', 2);
  }
  const [typed, name] = parts as [string, string];
  const kind = BY_NAME.get(typed.toLowerCase());
  if (kind === undefined) throw new UserError(`resource type ${typed} is not supported`, 2);
  return { kind, name };
}

/** The object's URL path, e.g. `/apis/apps/v1/namespaces/ns/deployments/name`. */
export function apiPathFor(kind: Kind, namespace: string, name: string): string {
  const k = KINDS[kind];
  return `${k.prefix}/namespaces/${encodeURIComponent(namespace)}/${k.resource}/${encodeURIComponent(name)}`;
}

/** The cluster-wide list path of a kind, e.g. `/apis/apps/v1/deployments`. */
export function listPathFor(kind: Kind): string {
  const k = KINDS[kind];
  return `${k.prefix}/${k.resource}`;
}

interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}
interface Workload {
  metadata?: { name?: string };
  spec?: {
    selector?: LabelSelector | Record<string, string> | null;
    jobTemplate?: {
      spec?: {
        selector?: LabelSelector | null;
        template?: { metadata?: { labels?: Record<string, string> } };
      };
    };
  };
}

/**
 * The label selector of a workload's pods, as the API's `labelSelector` text. Unlike stern (which ANDs
 * every label of the pod template), this is the workload's own `spec.selector`, so extra template labels
 * do not matter and a Job selects exactly its pods: matchLabels `k=v`, matchExpressions `k in (a,b)`,
 * `k notin (a)`, `k`, `!k`, sorted by key as Kubernetes prints them. Services and replication controllers
 * have a plain map. A CronJob has no selector of its own: its job template's selector, else the job
 * template's pod labels. Error: `resource <kind>/<name> has no labels to select`.
 */
export function selectorFromWorkload(kind: Exclude<Kind, 'pod'>, obj: unknown): string {
  const w = (obj ?? {}) as Workload;
  const name = w.metadata?.name ?? '';
  let reqs: { key: string; text: string }[];
  if (kind === 'service' || kind === 'replicationcontroller') {
    reqs = fromMap(w.spec?.selector as Record<string, string> | undefined);
  } else if (kind === 'cronjob') {
    const jobSpec = w.spec?.jobTemplate?.spec;
    reqs = jobSpec?.selector
      ? fromLabelSelector(jobSpec.selector, kind, name)
      : fromMap(jobSpec?.template?.metadata?.labels);
  } else {
    reqs = fromLabelSelector((w.spec?.selector ?? {}) as LabelSelector, kind, name);
  }
  if (reqs.length === 0) throw new UserError(`resource ${kind}/${name} has no labels to select`, 1);
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

function fromMap(m: Record<string, string> | null | undefined): { key: string; text: string }[] {
  return Object.entries(m ?? {}).map(([k, v]) => ({ key: k, text: `${k}=${v}` }));
}

function fromLabelSelector(s: LabelSelector, kind: string, name: string): { key: string; text: string }[] {
  const reqs = fromMap(s.matchLabels);
  for (const e of s.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text =
      e.operator === 'In'
        ? `${e.key} in (${values})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${values})`
          : e.operator === 'Exists'
            ? e.key
            : e.operator === 'DoesNotExist'
              ? `!${e.key}`
              : undefined;
    if (text === undefined) {
      throw new UserError(
        `resource ${kind}/${name} has a selector operator kstern does not know: ${e.operator}`,
        1,
      );
    }
    reqs.push({ key: e.key, text });
  }
  return reqs;
}
