// Checking what the API server sent before anything above the seam reads it: a pod must have the shape
// types.ts promises (a named metadata, lists where lists are expected, strings where strings are), so
// a malformed object is skipped with a message instead of ending the run with a TypeError.
import type { Pod, WatchEvent } from '../core/kube-objects.ts';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const optString = (v: unknown) => v === undefined || typeof v === 'string';
const optNumber = (v: unknown) => v === undefined || typeof v === 'number';
const optObj = (v: unknown) => v === undefined || isObj(v);

/** A map of strings (labels, annotations); null counts as none. */
function stringMap(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  return isObj(v) && Object.values(v).every((x) => typeof x === 'string');
}

function namedList(v: unknown): boolean {
  return v === undefined || (Array.isArray(v) && v.every((c) => isObj(c) && typeof c['name'] === 'string'));
}

function stateProblem(v: unknown): boolean {
  if (v === undefined) return false;
  if (!isObj(v)) return true;
  const { running, waiting, terminated } = v;
  if (!optObj(running) || !optObj(waiting) || !optObj(terminated)) return true;
  return terminated !== undefined && !optString((terminated as Obj)['containerID']);
}

function statusesProblem(v: unknown): boolean {
  if (v === undefined) return false;
  if (!Array.isArray(v)) return true;
  return v.some(
    (s) =>
      !isObj(s) ||
      typeof s['name'] !== 'string' ||
      !optString(s['containerID']) ||
      !optNumber(s['restartCount']) ||
      stateProblem(s['state']) ||
      stateProblem(s['lastState']),
  );
}

/** Why `v` is not a pod kstern can use, or undefined when it is one. */
export function podProblem(v: unknown): string | undefined {
  if (!isObj(v)) return `not an object: ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}`;
  const m = v['metadata'];
  if (!isObj(m)) return 'no metadata';
  if (typeof m['name'] !== 'string' || m['name'] === '') return 'no metadata.name';
  const which = `pod "${m['name'].slice(0, 253)}"`;
  for (const f of ['namespace', 'uid', 'resourceVersion', 'deletionTimestamp', 'creationTimestamp']) {
    if (!optString(m[f])) return `${which}: metadata.${f} is not a string`;
  }
  if (!stringMap(m['labels'])) return `${which}: metadata.labels is not a map of strings`;
  if (!stringMap(m['annotations'])) return `${which}: metadata.annotations is not a map of strings`;
  const spec = v['spec'];
  if (spec !== undefined) {
    if (!isObj(spec)) return `${which}: spec is not an object`;
    if (!optString(spec['nodeName'])) return `${which}: spec.nodeName is not a string`;
    for (const f of ['containers', 'initContainers', 'ephemeralContainers']) {
      if (!namedList(spec[f])) return `${which}: spec.${f} is not a list of named containers`;
    }
  }
  const st = v['status'];
  if (st !== undefined) {
    if (!isObj(st)) return `${which}: status is not an object`;
    if (!optString(st['phase'])) return `${which}: status.phase is not a string`;
    const conds = st['conditions'];
    if (
      conds !== undefined &&
      !(
        Array.isArray(conds) &&
        conds.every((c) => isObj(c) && typeof c['type'] === 'string' && optString(c['status']))
      )
    ) {
      return `${which}: status.conditions is not a list of conditions`;
    }
    for (const f of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
      if (statusesProblem(st[f])) return `${which}: status.${f} is not a list of container statuses`;
    }
  }
  return undefined;
}

export function isPod(v: unknown): v is Pod {
  return podProblem(v) === undefined;
}

/**
 * A decoded watch event: the event, or why it is skipped (a pod that is not a pod, a bookmark without
 * a resourceVersion, an unknown type). `v` must be an object with a string `type` and an `object`
 * (parseWatchLine checks that much); an ERROR event's object that is not an object becomes an empty
 * Status (the watch then fails with the HTTP status of a server error, and is retried).
 */
export function decodeWatchEvent(v: { type: string; object: unknown }): WatchEvent | { skip: string } {
  switch (v.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED': {
      const why = podProblem(v.object);
      return why === undefined ? { type: v.type, object: v.object as Pod } : { skip: `${v.type} ${why}` };
    }
    case 'BOOKMARK': {
      const o = v.object;
      if (!isObj(o) || !isObj(o['metadata']) || typeof o['metadata']['resourceVersion'] !== 'string') {
        return { skip: 'BOOKMARK without metadata.resourceVersion' };
      }
      return {
        type: 'BOOKMARK',
        object: { metadata: { resourceVersion: o['metadata']['resourceVersion'] } },
      };
    }
    case 'ERROR':
      return { type: 'ERROR', object: isObj(v.object) ? (v.object as never) : { kind: 'Status' } };
    default:
      return { skip: `unknown event type "${v.type.slice(0, 40)}"` };
  }
}
