// Everything the request handlers share: stores, auth, fault switches and open streams.
import type { HostileOptions } from './hostile.ts';
import type { Exchange, RequestRecord } from './http.ts';
import type { LogStore } from './logs.ts';
import type { PodStore } from './store.ts';
import type { KubeObject } from './types.ts';
import type { WatchStream } from './watch.ts';

export interface OpenLog {
  namespace: string;
  pod: string;
  container: string;
  ex: Exchange;
  follow: boolean;
  /** Stops the writer (the response is ended or reset by the caller). */
  stop(): void;
}

export interface ServerState {
  store: PodStore;
  logs: LogStore;
  /** key: `${resource}/${namespace}/${name}` */
  workloads: Map<string, KubeObject>;
  /** core/v1 Events, in creation order (list only: no watch). */
  events: KubeObject[];
  token: string;
  /** The user name in 403 messages. */
  user: string;
  serverAddress: string;
  deniedNamespaces: Set<string>;
  /** `ns` or `ns/pod` */
  deniedLogs: Set<string>;
  unavailable: boolean;
  /** When set, pods/log requests matching `filter` are answered with this status (and Retry-After). */
  logFailure?: {
    status: number;
    retryAfterSeconds?: number;
    filter: { namespace?: string; pod?: string; container?: string };
    /** Requests left to fail (undefined: until cleared). */
    remaining?: number;
  };
  /** When set, pods/log requests matching it are accepted and never answered (a hung request). */
  logHang?: { filter: { namespace?: string; pod?: string; container?: string }; follow?: boolean };
  bookmarkIntervalMs: number;
  /** Hostile answers (hostile.ts), when set. */
  hostile?: HostileOptions;
  watches: Set<WatchStream>;
  logStreams: Set<OpenLog>;
  requests: RequestRecord[];
  openRequests: number;
}
