// The one seam between kstern and Kubernetes. Everything above this interface is testable without a
// network; only src/kube/ (the transport, auth and exec plugins) and config/kubeconfig.ts (loading the
// file) import node:http2 or @kubernetes/client-node: .dependency-cruiser.cjs enforces it.
import type { Pod, PodList, WatchEvent } from '../core/kube-objects.ts';

export interface PodQuery {
  /** Namespace, or undefined for a cluster-wide request (-A). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchOptions extends PodQuery {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface LogOptions {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  /** RFC3339, whole seconds. */
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
  previous?: boolean;
}

export interface KubeApi {
  /** The API server URL, for messages. */
  readonly server: string;
  listPods(q: PodQuery, signal: AbortSignal): Promise<PodList>;
  /**
   * A watch stream. Yields decoded events until the server ends the stream (the iterator then
   * returns normally) or fails (it throws a KubeError). ERROR events (e.g. 410 Expired) are yielded
   * as events, not thrown. Aborting the signal ends the iteration quietly.
   */
  watchPods(q: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent>;
  /** GET any JSON object by API path (workloads for resource queries). Throws KubeError. */
  getJSON<T = unknown>(path: string, signal: AbortSignal): Promise<T>;
  /** GET one pod (validated at the seam). Throws KubeError: 404 when it is gone. */
  getPod(namespace: string, name: string, signal: AbortSignal): Promise<Pod>;
  /**
   * PINGs the open HTTP/2 connection(s); rejects when one does not answer in `timeoutMs` (and destroys
   * it, so its streams fail and resume). Absent where there is nothing to ping (HTTP/1.1-only doubles).
   */
  ping?(timeoutMs: number): Promise<unknown>;
  /**
   * A log stream: raw chunks exactly as the server sent them. Throws KubeError when the request
   * fails (the Status message is kept); a reset mid-stream also throws (never a silent end).
   * Consuming slowly applies backpressure to the server (HTTP/2 flow control).
   */
  streamLog(o: LogOptions, signal: AbortSignal): AsyncIterable<Buffer>;
  /** Close every connection. */
  close(): void;
}

const CONNECTION_LOST = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * Whether `e` is the connection to the server failing (refused, reset, timed out, GOAWAY, a dead
 * HTTP/2 session), as opposed to an answer kstern cannot use (a Status, a malformed or oversized body).
 */
export function isConnectionLoss(e: KubeError): boolean {
  if (e.status !== 0 || e.code === undefined) return false;
  return CONNECTION_LOST.has(e.code) || e.code.startsWith('ERR_HTTP2_');
}

/** An error from the API server or the connection to it. */
export class KubeError extends Error {
  /** HTTP status, or 0 for a connection-level failure (refused, reset, TLS, GOAWAY). */
  readonly status: number;
  /** Status.reason when the server sent one (e.g. "Expired", "NotFound", "Forbidden"). */
  readonly reason: string | undefined;
  /** Seconds, from Retry-After or Status.details.retryAfterSeconds. */
  readonly retryAfterSeconds: number | undefined;
  /** Node error code for connection failures (ECONNREFUSED, ERR_HTTP2_STREAM_ERROR, ...). */
  readonly code: string | undefined;

  constructor(
    message: string,
    opts: {
      status?: number;
      reason?: string;
      retryAfterSeconds?: number;
      code?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KubeError';
    this.status = opts.status ?? 0;
    this.reason = opts.reason;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.code = opts.code;
  }
}
