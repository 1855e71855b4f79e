// Side effects a run needs, injected so that main(argv, deps) runs in-process in tests.
import type { ResolvedKube } from './config/kubeconfig.ts';
import type { KubeApi } from './kube/api.ts';
import type { Writer } from './output/writer.ts';
import type { LineSink } from './tail/sink.ts';
import type { TailContext } from './tail/tailer.ts';
import type { Report } from './util/messages.ts';

export interface OutStream extends NodeJS.WritableStream {
  isTTY?: boolean;
}

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

export interface Deps {
  /** For --stdin and --prompt. */
  stdin?: InStream;
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  homeDir: string;
  /**
   * How the user called kstern, for help and usage errors: "kstern" (the default), or "kubectl kstern"
   * when started as the kubectl plugin kubectl-kstern (bin/ tells from argv[1]).
   */
  programName?: string;
  /** Aborted on SIGINT/SIGTERM/SIGHUP; the reason is the signal name. */
  signal: AbortSignal;
  /** Builds the API client; tests may replace it. */
  createApi?: (
    kube: ResolvedKube,
    opts: {
      verbosity: number;
      /** The -v request trace, written as it is. */
      trace?: (line: string) => void;
      /** Warnings about what the server sent, written as messages. */
      report?: Report;
      throttle?: { qps: number; burst: number } | undefined;
    },
  ) => Promise<KubeApi>;
  /**
   * Tests of the tails' rules against the fake server (stall detection, a fragile output) tune the tail
   * options of a real run here instead of rebuilding the pipeline by hand (`sink` and `writer` are the run's).
   */
  tailTuning?: (api: KubeApi, run: { sink: LineSink; writer: Writer }) => Partial<TailContext>;
  /** Delays of the run's own notices; tests shorten them. */
  delays?: {
    /** Follow mode: how long a query may match nothing before kstern says so (default 5000 ms). */
    nothingMatchedMs?: number;
    /** --until done on a Job: how often the Job's status is looked at (default 2000 ms). */
    jobPollMs?: number;
    /** --events in follow mode: how often the events are listed (default 2000 ms). */
    eventsPollMs?: number;
  };
}

export { SIGNAL_EXIT } from './util/exit-codes.ts';
