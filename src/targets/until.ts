// --until done (issue 9 §4): when a followed run is over, and how it went. Pure, table-tested in
// test/unit/targets/until.test.ts; run.ts feeds it the matched pods and, for a Job query, the Job.
import type { Pod } from '../core/kube-objects.ts';

/** A Job's own verdict, from its status conditions. */
export type JobState = 'running' | 'complete' | 'failed';

interface JobJson {
  status?: {
    conditions?: { type?: string; status?: string }[];
    succeeded?: number;
    failed?: number;
  };
}

/** Complete (or SuccessCriteriaMet) → complete; Failed (or FailureTarget) → failed; else running. */
export function jobState(job: JobJson): JobState {
  const on = (type: string) => job.status?.conditions?.some((c) => c.type === type && c.status === 'True');
  if (on('Failed') || on('FailureTarget')) return 'failed';
  if (on('Complete') || on('SuccessCriteriaMet')) return 'complete';
  return 'running';
}

/** The pods a Job has finished (succeeded + failed), as its status counts them. */
export function jobPodsFinished(job: JobJson): number {
  return (job.status?.succeeded ?? 0) + (job.status?.failed ?? 0);
}

/** A pod is over when its phase says so: every container terminated and none will restart. */
export function podOver(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A pod that ended badly: phase Failed, or a selected container that exited non-zero. */
export function podFailed(pod: Pod, selected: (container: string) => boolean): boolean {
  if (pod.status?.phase === 'Failed') return true;
  const st = pod.status;
  return [...(st?.initContainerStatuses ?? []), ...(st?.containerStatuses ?? [])].some(
    (s) => selected(s.name) && (s.state?.terminated?.exitCode ?? 0) !== 0,
  );
}

export interface UntilFacts {
  /** Every namespace has been listed once (pods that exist are known). */
  synced: boolean;
  /** The matched pods that exist now (deleted ones left out). */
  pods: readonly Pod[];
  /** Matched pods seen during the run, deleted ones included. */
  seen: number;
  /** For a Job query: its state and how many pods it has finished; undefined for other queries. */
  job?: { state: JobState; podsFinished: number } | undefined;
}

export type UntilVerdict = { over: false } | { over: true; failed: boolean };

/**
 * Whether the run is over. A Job query: when the Job is complete or failed (its retries are followed) and
 * every pod it finished has been seen and is over; failed is the Job's verdict. Other queries: when at
 * least one pod matched and every matched pod is over; failed when any of them failed.
 */
export function untilVerdict(f: UntilFacts, selected: (container: string) => boolean): UntilVerdict {
  if (!f.synced) return { over: false };
  if (!f.pods.every(podOver)) return { over: false };
  if (f.job !== undefined) {
    if (f.job.state === 'running' || f.seen < f.job.podsFinished) return { over: false };
    return { over: true, failed: f.job.state === 'failed' };
  }
  if (f.pods.length === 0) return { over: false };
  return { over: true, failed: f.pods.some((p) => podFailed(p, selected)) };
}
