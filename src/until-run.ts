// --until done: the I/O around the pure rules of targets/until.ts. After each watch event (and each look
// at the Job of a job/<name> query) it decides whether the run is over; then it closes the watch, and
// run.ts lets the tails end with their last lines.
import { apiPathFor } from './config/kind.ts';
import type { Pod } from './core/kube-objects.ts';
import type { KubeApi } from './kube/api.ts';
import {
  type JobState,
  jobPodsFinished,
  jobState,
  type UntilVerdict,
  untilVerdict,
} from './targets/until.ts';

export interface UntilOptions {
  api: KubeApi;
  /** The run's signal. */
  signal: AbortSignal;
  /** A job/<name> query: the Job whose status decides. */
  job: { namespace: string; name: string } | undefined;
  /** How many namespaces must have been listed before an empty result means anything. */
  namespaces: number;
  /** --wait was given: an empty result is left to it. */
  waitGiven: boolean;
  /** -c / -E: the containers whose exit codes count. */
  selected: (container: string) => boolean;
  /** What the run has seen so far. */
  facts: () => { synced: number; matched: number; live: readonly Pod[] };
  /** Nothing matched once every namespace was listed: the caller says so (the watch is closed). */
  onNothingMatched: () => void;
  /** How often the Job is looked at (ms). */
  jobPollMs: number;
}

export class UntilRun {
  /** Aborted when the run is over (or matched nothing): ends the pod watch. */
  readonly watch = new AbortController();
  #verdict: UntilVerdict = { over: false };
  #job: { state: JobState; podsFinished: number } | undefined;
  #poller: NodeJS.Timeout | undefined;
  #looking: Promise<void> = Promise.resolve();
  readonly #o: UntilOptions;

  constructor(o: UntilOptions) {
    this.#o = o;
    if (o.job !== undefined) this.#looking = this.#look(o.job);
  }

  get verdict(): UntilVerdict {
    return this.#verdict;
  }

  /** For the summary line: `job/<name> complete|failed` once a Job query is over. */
  get jobSummary(): string | undefined {
    const j = this.#o.job;
    if (j === undefined || !this.#verdict.over) return undefined;
    return `job/${j.name} ${this.#verdict.failed ? 'failed' : 'complete'}`;
  }

  /** Decides again (after a watch event). */
  check(): void {
    if (this.#verdict.over || this.watch.signal.aborted) return;
    const f = this.#o.facts();
    const synced = f.synced >= this.#o.namespaces;
    if (synced && f.matched === 0 && !this.#o.waitGiven) {
      // Nothing to follow: said at once (--wait gives a pod time to appear).
      this.watch.abort('nothing matched');
      this.#o.onNothingMatched();
      return;
    }
    const v = untilVerdict(
      {
        synced,
        pods: f.live,
        seen: f.matched,
        job: this.#o.job === undefined ? undefined : (this.#job ?? { state: 'running', podsFinished: 0 }),
      },
      this.#o.selected,
    );
    if (!v.over) return;
    this.#verdict = v;
    this.watch.abort('until done');
  }

  /** Stops looking at the Job; resolves when a look in flight has ended. */
  async stop(): Promise<void> {
    clearTimeout(this.#poller);
    await this.#looking;
  }

  /** Looks at the Job now and every jobPollMs until the run is over. */
  async #look(job: { namespace: string; name: string }): Promise<void> {
    const { api, signal } = this.#o;
    try {
      const j = await api.getJSON<Parameters<typeof jobState>[0]>(
        apiPathFor('job', job.namespace, job.name),
        signal,
      );
      this.#job = { state: jobState(j), podsFinished: jobPodsFinished(j) };
      this.check();
    } catch {
      // Looked at again below; until then the Job counts as running.
    }
    if (this.#verdict.over || signal.aborted || this.watch.signal.aborted) return;
    this.#poller = setTimeout(() => {
      this.#looking = this.#look(job);
    }, this.#o.jobPollMs);
  }
}
