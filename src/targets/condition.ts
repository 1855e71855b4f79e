// --condition name[=value]: tail only pods whose condition has that status (stern/condition.go).

import type { Pod } from '../core/kube-objects.ts';
import { UserError } from '../util/errors.ts';

export type ConditionValue = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  value: ConditionValue;
}

const TYPES = [
  'ContainersReady',
  'Initialized',
  'Ready',
  'PodScheduled',
  'DisruptionTarget',
  'PodReadyToStartContainers',
] as const;
const VALUES: readonly ConditionValue[] = ['True', 'False', 'Unknown'];

/**
 * Case-insensitive, the value defaulting to True: `ready`, `Ready=false`, `podscheduled=Unknown`.
 * Errors as stern's: `condition should be one of 'ContainersReady', …` and
 * `condition value should be one of 'True', 'False', 'Unknown'`.
 */
export function parseCondition(s: string): Condition {
  const lower = s.toLowerCase();
  const eq = lower.indexOf('=');
  const name = eq === -1 ? lower : lower.slice(0, eq);
  const value = eq === -1 ? 'true' : lower.slice(eq + 1);
  const type = TYPES.find((t) => t.toLowerCase() === name);
  if (type === undefined) throw new UserError(`condition should be one of '${TYPES.join("', '")}'`, 2);
  const v = VALUES.find((x) => x.toLowerCase() === value);
  if (v === undefined) throw new UserError(`condition value should be one of '${VALUES.join("', '")}'`, 2);
  return { type, value: v };
}

/** The pod's first condition of that type has that status; a pod without it does not match. */
export function conditionMatches(pod: Pod, c: Condition): boolean {
  const found = pod.status?.conditions?.find((pc) => pc.type === c.type);
  return found !== undefined && found.status === c.value;
}
