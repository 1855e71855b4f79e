// What to say about a container that has no log to show (issue 9 §2): it waits with a reason
// (ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError, ...), or an instance of it ended.
// Pure: derived from the container's previous and latest status (table-tested in
// test/unit/targets/notices.test.ts); run.ts prints them as `! <pod> › <container> <text>` on stderr.
import type { ContainerStateTerminated, ContainerStatus } from '../core/kube-objects.ts';

export type ContainerNotice =
  | { kind: 'waiting'; reason: string; message: string | undefined }
  | { kind: 'terminated'; exitCode: number; reason: string | undefined };

/** Waiting reasons of a container that is simply starting: not worth a line. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

/** The newest ended instance: the current state when terminated, else the last state. */
function lastEnded(s: ContainerStatus): ContainerStateTerminated | undefined {
  return s.state?.terminated ?? s.lastState?.terminated;
}

function instanceKey(t: ContainerStateTerminated): string {
  return t.containerID || `${t.startedAt ?? ''}|${t.finishedAt ?? ''}|${t.exitCode}`;
}

/**
 * The notices for a container whose status went from `before` (undefined: first seen, or its pod was
 * re-created) to `now`. An ended instance is told once: when it ends while kstern watches, or, at the
 * first sighting, when it failed (a Completed init container is not news). A waiting reason is told once
 * per reason change. The ended instance comes first: it is what the waiting is about (CrashLoopBackOff).
 */
export function containerNotices(
  before: ContainerStatus | undefined,
  now: ContainerStatus,
): ContainerNotice[] {
  const out: ContainerNotice[] = [];
  const ended = lastEnded(now);
  if (ended !== undefined) {
    const was = before === undefined ? undefined : lastEnded(before);
    const fresh =
      before === undefined
        ? ended.exitCode !== 0
        : was === undefined || instanceKey(was) !== instanceKey(ended);
    if (fresh) out.push({ kind: 'terminated', exitCode: ended.exitCode, reason: ended.reason || undefined });
  }
  const w = now.state?.waiting;
  if (w?.reason && !STARTING.has(w.reason) && before?.state?.waiting?.reason !== w.reason) {
    out.push({ kind: 'waiting', reason: w.reason, message: w.message || undefined });
  }
  return out;
}

/** The notice as printed after `<pod> › <container> `; one line (a multi-line message is joined). */
export function noticeText(n: ContainerNotice): string {
  if (n.kind === 'terminated') {
    return `terminated: exit code ${n.exitCode}${n.reason === undefined ? '' : ` (${n.reason})`}`;
  }
  const msg = n.message?.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return `waiting: ${n.reason}${msg ? `: ${msg}` : ''}`;
}

/** A container that waits to start and has no instance at all: --no-follow has no log to read for it. */
export function waitsToStart(s: ContainerStatus): boolean {
  return s.state?.waiting !== undefined && !s.containerID && lastEnded(s)?.containerID === undefined;
}
