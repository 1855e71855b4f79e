// Server-side printing: meta.k8s.io/v1 Table responses for `kubectl get` (Accept: ...;as=Table).
import { humanDuration } from './time.ts';
import type { KubeObject, Pod } from './types.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, priority = 0, format = ''): Column => ({
  name,
  type: 'string',
  format,
  description: name,
  priority,
});

const POD_COLUMNS = [
  col('Name', 0, 'name'),
  col('Ready'),
  col('Status'),
  col('Restarts'),
  col('Age'),
  col('IP', 1),
  col('Node', 1),
  col('Nominated Node', 1),
  col('Readiness Gates', 1),
];
const GENERIC_COLUMNS = [col('Name', 0, 'name'), col('Age')];

/** Whether the Accept header asks for a Table (kubectl get does; kstern does not). */
export const wantsTable = (accept: string): boolean => /as=Table/.test(accept);

const age = (o: KubeObject | Pod): string =>
  humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp));

function podStatus(p: Pod): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  let reason = p.status.phase;
  let running = false;
  for (const c of [...p.status.containerStatuses].reverse()) {
    if (c.state.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state.terminated)
      reason = c.state.terminated.reason || `ExitCode:${c.state.terminated.exitCode}`;
    else if (c.ready && c.state.running) running = true;
  }
  if (reason === 'Completed' && running) reason = 'Running';
  return reason;
}

function podCells(p: Pod): unknown[] {
  const cs = p.status.containerStatuses;
  const ready = cs.filter((c) => c.ready).length;
  const restarts = cs.reduce((n, c) => n + c.restartCount, 0);
  const lastRestart = cs
    .map((c) => c.lastState.terminated?.finishedAt)
    .filter((t): t is string => Boolean(t))
    .sort()
    .pop();
  const restartCell = lastRestart
    ? `${restarts} (${humanDuration(Date.now() - Date.parse(lastRestart))} ago)`
    : String(restarts);
  return [
    p.metadata.name,
    `${ready}/${p.spec.containers.length}`,
    podStatus(p),
    restartCell,
    age(p),
    p.status.podIP ?? '<none>',
    p.spec.nodeName ?? '<none>',
    '<none>',
    '<none>',
  ];
}

function rowObject(o: KubeObject | Pod, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function table(
  objects: (KubeObject | Pod)[],
  o: { resourceVersion: string; include: IncludeObject; headers?: boolean; continueToken?: string },
) {
  const isPod = (x: KubeObject | Pod): x is Pod => x.kind === 'Pod';
  const columns = objects.length > 0 && objects.every(isPod) ? POD_COLUMNS : GENERIC_COLUMNS;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: o.resourceVersion,
      ...(o.continueToken ? { continue: o.continueToken } : {}),
    },
    columnDefinitions: o.headers === false ? [] : columns,
    rows: objects.map((x) => {
      const obj = rowObject(x, o.include);
      return {
        cells: isPod(x) ? podCells(x) : [x.metadata.name, age(x)],
        ...(obj === undefined ? {} : { object: obj }),
      };
    }),
  };
}
