// The KubeApi adapter: GET requests to the API server over HTTP/2 (all streams multiplexed on one
// connection, see http2-pool.ts), or HTTP/1.1 with a keep-alive agent when the server does not offer h2.
// Auth material comes from the kubeconfig (auth.ts); a 401 is retried once with fresh credentials.

import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import http2, { type ClientHttp2Stream } from 'node:http2';
import https from 'node:https';
import type { ResolvedKube } from '../config/kubeconfig.ts';
import type { Pod, PodList, WatchEvent } from '../core/kube-objects.ts';
import { errorMessage } from '../util/errors.ts';
import type { Report } from '../util/messages.ts';
import { clampDelay } from '../util/sleep.ts';
import { TokenBucket } from '../util/token-bucket.ts';
import { VERSION } from '../util/version.ts';
import { type KubeApi, KubeError, type LogOptions, type PodQuery, type WatchOptions } from './api.ts';
import { type Credentials, KubeAuth } from './auth.ts';
import { decodeWatchEvent, podProblem } from './decode.ts';
import { abortError, connectError, H2Pool, type Lease, raceAbort, sniFor } from './http2-pool.ts';
import { LineBuffer, LineTooLongError } from './ndjson.ts';
import { type ProxyConfig, tunnelAgent } from './proxy-tunnel.ts';
import { errorFromResponse } from './status.ts';

export interface TransportOptions {
  /** kubectl-style: ≥ 6 logs each request with its status and time, ≥ 8 also the request headers. */
  verbosity?: number;
  /**
   * Where the -v request trace goes (stderr), line by line as kubectl's round-trip trace looks, not as
   * messages. Tokens are redacted.
   */
  trace?: (line: string) => void;
  /** Where warnings go (skipped objects, credentials over http://, EMFILE): stderr, as messages. */
  report?: Report;
  /** false: never try HTTP/2 (use HTTP/1.1 with a keep-alive agent). Default true. */
  http2?: boolean;
  /** Time allowed for TCP + TLS (+ HTTP/2 SETTINGS). Default 10 s. */
  connectTimeoutMs?: number;
  /** HTTP/2 per-stream receive window. Default 128 KiB; the connection window is 128× that. */
  streamWindowBytes?: number;
  /** Page size for listPods (`limit`). Default 500. */
  listPageSize?: number;
  /** Most pages one listPods reads before it fails (a server paging without end). Default 10 000. */
  maxListPages?: number;
  /**
   * Longest watch event (one line of a watch stream) accepted; a longer one fails that watch with a
   * KubeError (the pod watcher retries). Default 16 MiB: API servers refuse objects over about 3 MiB.
   */
  maxWatchEventBytes?: number;
  /**
   * Largest list/get response body accepted (one page of a pod list, a workload); a larger one is a
   * KubeError naming the server and the limit. Default 128 MiB (a page of 500 pods of 256 KiB each).
   */
  maxBodyBytes?: number;
  /**
   * Limit for list/get requests (not watches or log streams). Default: ResolvedKube.requestTimeoutMs.
   * Above 2^31-1 ms (about 24.8 days) it counts as that (node's longest timer).
   */
  requestTimeoutMs?: number;
  /**
   * --qps / --burst: list and get requests (getJSON: pod lists, pods, workloads, events, discovery) wait
   * for a token of this bucket; watches and log streams do not. Default: no limit.
   */
  throttle?: { qps: number; burst: number } | undefined;
}

const MiB = 1024 * 1024;

/** "16 MiB", "1.5 KiB", "100 bytes": a limit in a message. */
export function formatBytes(n: number): string {
  const unit = n >= MiB ? ['MiB', MiB] : n >= 1024 ? ['KiB', 1024] : undefined;
  if (unit === undefined) return `${n} bytes`;
  const v = n / (unit[1] as number);
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit[0]}`;
}

/** What a request returned (a 2xx status): the body as chunks. */
interface Opened {
  status: number;
  headers: IncomingHttpHeaders;
  url: string;
  body: AsyncIterable<Buffer>;
  /** Closes the stream (RST_STREAM CANCEL / socket destroy) if it is still open. */
  cancel(): void;
}

interface Sent extends Opened {
  protocol: 'h2' | 'h1';
}

const MAX_ERROR_BODY = 1 << 20;
export const DEFAULT_MAX_WATCH_EVENT_BYTES = 16 * MiB;
export const DEFAULT_MAX_BODY_BYTES = 128 * MiB;
const USER_AGENT = `kstern/${VERSION} (node ${process.versions.node})`;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function redact(name: string, value: string | string[]): string {
  if (Array.isArray(value)) return value.map((v) => redact(name, v)).join(', ');
  if (name.toLowerCase() !== 'authorization') return value;
  const sp = value.indexOf(' ');
  return sp > 0 ? `${value.slice(0, sp)} <redacted>` : '<redacted>';
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

function podsPath(namespace: string | undefined): string {
  return namespace === undefined
    ? '/api/v1/pods'
    : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
}

/** The query of a log request. tailLines=0 is sent (it means "no old lines"); sinceSeconds=0 is not. */
export function logQuery(o: LogOptions): string {
  return query({
    container: o.container,
    follow: o.follow ? 'true' : undefined,
    timestamps: o.timestamps ? 'true' : undefined,
    sinceSeconds: o.sinceSeconds !== undefined && o.sinceSeconds > 0 ? Math.ceil(o.sinceSeconds) : undefined,
    sinceTime: o.sinceTime,
    tailLines: o.tailLines !== undefined && o.tailLines >= 0 ? o.tailLines : undefined,
    limitBytes: o.limitBytes !== undefined && o.limitBytes > 0 ? o.limitBytes : undefined,
    previous: o.previous ? 'true' : undefined,
  });
}

export function watchQuery(q: WatchOptions): string {
  return query({
    watch: 1,
    resourceVersion: q.resourceVersion,
    allowWatchBookmarks: q.allowWatchBookmarks ? 'true' : undefined,
    labelSelector: q.labelSelector,
    fieldSelector: q.fieldSelector,
    timeoutSeconds: q.timeoutSeconds,
  });
}

/**
 * Parses one line of a watch stream; undefined for a blank line, or for an event that is skipped (a
 * pod that is not a pod, an unknown type: `onSkip` is told why). A line that is not JSON or not a watch
 * event at all is a KubeError (the watch fails and is retried).
 */
export function parseWatchLine(
  line: string,
  url: string,
  onSkip: (why: string) => void = () => {},
): WatchEvent | undefined {
  if (line.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new KubeError(`invalid watch event from ${url}: ${errorMessage(e)}: ${line.slice(0, 100)}`, {
      status: 0,
      code: 'EBADRESPONSE',
    });
  }
  const ev = v as { type?: unknown; object?: unknown };
  if (typeof ev !== 'object' || ev === null || typeof ev.type !== 'string' || !('object' in ev)) {
    throw new KubeError(`invalid watch event from ${url}: not a watch event: ${line.slice(0, 100)}`, {
      status: 0,
      code: 'EBADRESPONSE',
    });
  }
  const d = decodeWatchEvent({ type: ev.type, object: ev.object });
  if ('skip' in d) {
    onSkip(d.skip);
    return undefined;
  }
  return d;
}

/** A bearer token or basic auth among the request headers. */
function hasCredentials(headers: Record<string, string | string[]>): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
}

/** The soft limit on open files of this process (ulimit -n), when the platform tells (Linux). */
function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

function tooManyFiles(code: 'EMFILE' | 'ENFILE', server: string, limit: number | undefined): string {
  if (code === 'ENFILE') {
    return `too many open files in the system (ENFILE): log streams to ${server} are retried until some close; lower --max-log-requests`;
  }
  const at = limit === undefined ? 'the limit on open files' : `the limit of ${limit} open files`;
  return `too many open files (EMFILE): kstern reached ${at} (ulimit -n) opening log streams to ${server}; they are retried, but raise the limit (e.g. ulimit -n ${Math.max(4096, (limit ?? 0) * 4)}) or lower --max-log-requests`;
}

/** Header values are the server's: no control characters (terminal escapes) in our messages, and short. */
function printable(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/** The KubeError for a 3xx answer: kstern never follows a redirect (nor sends credentials elsewhere). */
export function redirectError(
  server: string,
  url: string,
  status: number,
  location: string | undefined,
): KubeError {
  const text = STATUS_CODES[status] ?? 'Redirect';
  const to =
    location === undefined || location === '' ? 'with no Location header' : `to ${printable(location)}`;
  return new KubeError(
    `the server ${server} answered ${status} ${text} ${to} for ${url}; kstern does not follow redirects: check the server URL of the kubeconfig cluster`,
    { status, code: 'EREDIRECT' },
  );
}

/** A KubeError for a stream that broke after it started (reset, GOAWAY, connection lost). */
function streamError(server: string, e: unknown): KubeError {
  if (e instanceof KubeError) return e;
  const err = e as NodeJS.ErrnoException;
  const msg = err instanceof Error ? err.message : String(e);
  const code = err?.code === 'ERR_STREAM_PREMATURE_CLOSE' ? 'ERR_HTTP2_STREAM_ERROR' : err?.code;
  return new KubeError(`the connection to ${server} was interrupted: ${msg}`, { status: 0, code, cause: e });
}

/**
 * One listener per AbortSignal, fanning out to many callbacks: thousands of streams can share one
 * signal without tripping node's "possible EventTarget memory leak" warning.
 */
class AbortHub {
  readonly #subs = new WeakMap<AbortSignal, Set<() => void>>();

  on(signal: AbortSignal, cb: () => void): () => void {
    let set = this.#subs.get(signal);
    if (set === undefined) {
      const s = new Set<() => void>();
      set = s;
      this.#subs.set(signal, s);
      signal.addEventListener(
        'abort',
        () => {
          for (const f of [...s]) f();
          s.clear();
        },
        { once: true },
      );
    }
    set.add(cb);
    return () => set.delete(cb);
  }
}

export class HttpKubeApi implements KubeApi {
  readonly server: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #host: string;
  readonly #port: number;
  readonly #tls: boolean;
  readonly #auth: KubeAuth;
  readonly #pool: H2Pool;
  readonly #verbosity: number;
  readonly #trace: (line: string) => void;
  readonly #report: Report;
  readonly #listPageSize: number;
  readonly #maxListPages: number;
  readonly #maxWatchEventBytes: number;
  readonly #maxBodyBytes: number;
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number | undefined;
  readonly #throttle: TokenBucket | undefined;
  /** An HTTP(S) proxy the connections are tunnelled through. */
  readonly #proxy: ProxyConfig | undefined;
  readonly #aborts = new AbortHub();
  /** ulimit -n, read at the first request (by the time EMFILE strikes no descriptor is left to read it). */
  #filesLimit: number | undefined | null = null;
  /** Warnings already given (#warnOnce). */
  readonly #warned = new Set<string>();
  /** 'auto' until the first connection tells (ALPN). */
  #mode: 'auto' | 'h2' | 'h1';
  #agent: { key: string; agent: http.Agent } | undefined;
  readonly #oldAgents: http.Agent[] = [];
  #closed = false;
  /** The credentials a 401 already invalidated: the other requests that used them do not reload again. */
  #staleCreds: Credentials | undefined;

  constructor(kube: ResolvedKube, opts: TransportOptions = {}) {
    this.server = kube.server;
    const url = new URL(kube.server);
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#tls = url.protocol === 'https:';
    this.#port = url.port === '' ? (this.#tls ? 443 : 80) : Number(url.port);
    this.#auth = new KubeAuth(kube.kubeConfig, { impersonate: kube.impersonate, env: kube.env });
    this.#verbosity = opts.verbosity ?? 0;
    this.#trace = opts.trace ?? (() => {});
    this.#report = opts.report ?? (() => {});
    this.#listPageSize = opts.listPageSize ?? 500;
    this.#maxListPages = opts.maxListPages ?? 10_000;
    this.#maxWatchEventBytes = opts.maxWatchEventBytes ?? DEFAULT_MAX_WATCH_EVENT_BYTES;
    this.#maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    // Like client-go's TLS handshake timeout: a connection that does not get through in 10 s is retried.
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? kube.requestTimeoutMs;
    this.#throttle =
      opts.throttle === undefined ? undefined : new TokenBucket(opts.throttle.qps, opts.throttle.burst);
    // An HTTP(S) proxy is tunnelled through (CONNECT), HTTP/2 inside; SOCKS only with client-node's agent.
    const proxy = kube.proxy;
    const socks = proxy !== undefined && /^socks/i.test(proxy.url);
    this.#proxy = proxy !== undefined && !socks ? proxy : undefined;
    this.#mode = opts.http2 === false || !this.#tls || socks ? 'h1' : 'auto';
    const streamWindow = opts.streamWindowBytes ?? 128 * 1024;
    this.#pool = new H2Pool({
      server: this.server,
      host: this.#host,
      port: this.#port,
      connectTimeoutMs: this.#connectTimeoutMs,
      ...(this.#proxy === undefined ? {} : { proxy: this.#proxy }),
      streamWindowBytes: streamWindow,
      connectionWindowBytes: Math.min(streamWindow * 128, 2 ** 31 - 1),
      log: (v, line) => this.#debug(v, line),
    });
  }

  /** 'h2' or 'h1' once the first connection was made, else 'auto'. */
  get protocol(): 'auto' | 'h2' | 'h1' {
    return this.#mode;
  }

  /** Open HTTP/2 sessions and their active streams (for tests and -v output). */
  connectionStats(): { sessions: number; activeStreams: number[] } {
    const s = this.#pool.sessions.filter((c) => c.usable);
    return { sessions: s.length, activeStreams: s.map((c) => c.active) };
  }

  /**
   * HTTP/2 PING round trip in ms (the slowest open session), for stall detection. undefined over
   * HTTP/1.1 or with no open session. A session that does not answer in `timeoutMs` is destroyed (its
   * streams then fail with status 0 and are resumed by their owners) and the promise rejects.
   */
  ping(timeoutMs = 10_000): Promise<number | undefined> {
    if (this.#mode !== 'h2') return Promise.resolve(undefined);
    return this.#pool.ping(timeoutMs);
  }

  close(): void {
    this.#closed = true;
    this.#auth.close(); // kills an exec plugin still running
    this.#pool.close();
    this.#agent?.agent.destroy();
    this.#agent = undefined;
    for (const a of this.#oldAgents.splice(0)) a.destroy();
  }

  async listPods(q: PodQuery, signal: AbortSignal): Promise<PodList> {
    const items: PodList['items'] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    // A server that hands back a token it gave before (or pages without end) would loop forever.
    const seen = new Set<string>();
    let pages = 0;
    do {
      if (cont !== undefined) {
        if (seen.has(cont)) {
          throw new KubeError(
            `the server ${this.server} repeated the continue token of an earlier page of ${podsPath(q.namespace)}: the pod list would never end`,
            { status: 0, code: 'EBADRESPONSE' },
          );
        }
        seen.add(cont);
      }
      if (++pages > this.#maxListPages) {
        throw new KubeError(
          `the server ${this.server} sent more than ${this.#maxListPages} pages of ${podsPath(q.namespace)} (${this.#listPageSize} pods each): giving up on the pod list`,
          { status: 0, code: 'EBADRESPONSE' },
        );
      }
      const path =
        podsPath(q.namespace) +
        query({
          labelSelector: q.labelSelector,
          fieldSelector: q.fieldSelector,
          limit: this.#listPageSize > 0 ? this.#listPageSize : undefined,
          continue: cont,
        });
      const page = await this.getJSON<{
        items?: unknown;
        metadata?: { resourceVersion?: unknown; continue?: unknown };
      }>(path, signal);
      if (typeof page !== 'object' || page === null || !Array.isArray(page.items)) {
        throw new KubeError(`invalid pod list from ${this.server}${path}: no items`, {
          status: 0,
          code: 'EBADRESPONSE',
        });
      }
      for (const p of page.items) {
        const why = podProblem(p);
        if (why === undefined) items.push(p as Pod);
        else
          this.#warnOnce(
            `ignoring an invalid pod in the pod list from ${this.server}${podsPath(q.namespace)}: ${why}`,
          );
      }
      const rv = typeof page.metadata === 'object' ? page.metadata?.resourceVersion : undefined;
      if (typeof rv === 'string') resourceVersion = rv;
      const next = page.metadata?.continue;
      cont = typeof next === 'string' && next !== '' ? next : undefined;
    } while (cont !== undefined);
    return { items, metadata: { resourceVersion } };
  }

  /** GET a JSON object; with a request timeout, it fails with a KubeError (ETIMEDOUT) when it runs out. */
  async getPod(namespace: string, name: string, signal: AbortSignal): Promise<Pod> {
    const path = `${podsPath(namespace)}/${encodeURIComponent(name)}`;
    const pod = await this.getJSON<unknown>(path, signal);
    const problem = podProblem(pod);
    if (problem !== undefined) {
      throw new KubeError(`invalid pod from ${this.server}${path}: ${problem}`, {
        status: 0,
        code: 'EBADRESPONSE',
      });
    }
    return pod as Pod;
  }

  getJSON<T = unknown>(path: string, signal: AbortSignal): Promise<T> {
    const ms = this.#requestTimeoutMs;
    if (ms === undefined || ms <= 0 || signal.aborted) return this.#getJSON<T>(path, signal);
    const ac = new AbortController();
    const url = this.#origin + this.#basePath + path;
    const timer = setTimeout(() => {
      const after = ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
      const msg = `request to ${url} timed out after ${after} (--request-timeout)`;
      ac.abort(new KubeError(msg, { status: 0, code: 'ETIMEDOUT' }));
    }, clampDelay(ms));
    const off = this.#aborts.on(signal, () => ac.abort(signal.reason));
    return this.#getJSON<T>(path, ac.signal).finally(() => {
      clearTimeout(timer);
      off();
    });
  }

  async #getJSON<T>(path: string, signal: AbortSignal): Promise<T> {
    if (this.#throttle !== undefined) {
      const started = performance.now();
      await this.#throttle.take(signal);
      if (signal.aborted) throw abortError(signal);
      const waited = Math.round(performance.now() - started);
      // Like client-go's "Waited for 1.2s due to client-side throttling".
      if (waited >= 1000) this.#debug(6, `waited ${waited}ms for --qps before GET ${this.#basePath}${path}`);
    }
    const res = await this.#request(path, signal, 'application/json');
    const max = this.#maxBodyBytes;
    const tooLarge = () =>
      new KubeError(
        `the response to GET ${res.url} is larger than ${formatBytes(max)} (the limit for a list or get response)`,
        { status: 0, code: 'ERESPONSETOOLARGE' },
      );
    const chunks: Buffer[] = [];
    let n = 0;
    try {
      if (Number(header(res.headers, 'content-length')) > max) throw tooLarge();
      for await (const c of res.body) {
        n += c.length;
        if (n > max) throw tooLarge();
        chunks.push(c);
      }
    } finally {
      res.cancel();
    }
    if (signal.aborted) throw abortError(signal);
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new KubeError(`invalid JSON from ${res.url}: ${errorMessage(e)}: ${text.slice(0, 100)}`, {
        status: 0,
        code: 'EBADRESPONSE',
      });
    }
  }

  async *watchPods(q: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    const path = podsPath(q.namespace) + watchQuery(q);
    let res: Opened;
    try {
      res = await this.#request(path, signal, 'application/json');
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    const where = res.url.split('?')[0];
    const skip = (why: string) => this.#warnOnce(`ignoring an invalid watch event from ${where}: ${why}`);
    const lines = new LineBuffer(this.#maxWatchEventBytes);
    try {
      for await (const chunk of res.body) {
        let got: string[];
        try {
          got = lines.push(chunk);
        } catch (e) {
          if (!(e instanceof LineTooLongError)) throw e;
          throw new KubeError(
            `the watch of ${where} sent an event larger than ${formatBytes(e.limit)} (the limit for one watch event)`,
            { status: 0, code: 'ERESPONSETOOLARGE' },
          );
        }
        for (const line of got) {
          const ev = parseWatchLine(line, res.url, skip);
          if (ev !== undefined) yield ev;
        }
      }
      if (signal.aborted) return;
      const rest = lines.end();
      if (rest !== undefined) {
        const ev = parseWatchLine(rest, res.url, skip);
        if (ev !== undefined) yield ev;
      }
    } finally {
      res.cancel();
    }
  }

  async *streamLog(o: LogOptions, signal: AbortSignal): AsyncGenerator<Buffer> {
    const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${encodeURIComponent(o.pod)}/log${logQuery(o)}`;
    let res: Opened;
    try {
      res = await this.#request(path, signal, '*/*');
    } catch (e) {
      if (signal.aborted) return;
      // Tails retry connection failures quietly; running out of file descriptors needs the user.
      if (e instanceof KubeError && (e.code === 'EMFILE' || e.code === 'ENFILE'))
        this.#warnOnce(tooManyFiles(e.code, this.server, this.#filesLimit ?? undefined));
      throw e;
    }
    try {
      yield* res.body;
    } finally {
      res.cancel();
    }
  }

  /** Reports the warning `text`, once per distinct text (at most 1000 in all). */
  #warnOnce(text: string): void {
    // A server with endless distinct bad objects gets its first 1000 reported, not a flood.
    if (this.#warned.has(text) || this.#warned.size >= 1000) return;
    this.#warned.add(text);
    this.#report(text, 'warning');
  }

  /** A trace line at verbosity `v` and above. */
  #debug(v: number, line: string): void {
    if (this.#verbosity >= v) this.#trace(line);
  }

  /** GET `path`; resolves with a 2xx response, throws a KubeError for any other status (3xx included). */
  async #request(path: string, signal: AbortSignal, accept: string): Promise<Opened> {
    if (signal.aborted) throw abortError(signal);
    let authRetried = false;
    let staleRetried = false;
    for (;;) {
      if (this.#closed) throw new KubeError(`the connection to ${this.server} was closed`, { status: 0 });
      const creds = await raceAbort(this.#auth.get(), signal);
      if (this.#filesLimit === null) this.#filesLimit = openFilesLimit();
      if (!this.#tls && hasCredentials(creds.headers)) {
        this.#warnOnce(
          `credentials for ${this.server} are sent without TLS (the server URL is http://): anyone on the network path can read them`,
        );
      }
      let res: Sent;
      try {
        res = await this.#send(path, creds, signal, accept);
      } catch (e) {
        if (signal.aborted) throw abortError(signal);
        // A request on a connection that had gone stale (closed by a proxy, GOAWAY in flight) never
        // reached the server: worth one retry on a fresh connection.
        if (e instanceof RetryableError && !staleRetried) {
          staleRetried = true;
          continue;
        }
        throw e instanceof RetryableError ? e.error : e;
      }
      if (res.status < 300) return res;
      if (res.status < 400) {
        // Never followed: the Location may be anywhere, and the credentials must not go there.
        res.cancel();
        throw redirectError(this.server, res.url, res.status, header(res.headers, 'location'));
      }
      const body = await readSome(res.body, MAX_ERROR_BODY).finally(() => res.cancel());
      if (res.status === 401 && !authRetried) {
        authRetried = true;
        this.#debug(6, `401 from ${res.url}: refreshing credentials and retrying once`);
        // Many streams rejected together (an expired token) refresh once: the first invalidates, the
        // rest retry with what that refresh loads.
        if (this.#staleCreds !== creds) {
          this.#staleCreds = creds;
          this.#auth.invalidate();
        }
        continue;
      }
      throw errorFromResponse(res.status, body, { retryAfter: header(res.headers, 'retry-after') });
    }
  }

  #logRequest(url: string, headers: Record<string, string | string[]>): void {
    if (this.#verbosity < 8) return;
    const lines = [`GET ${url}`, 'Request Headers:'];
    for (const [k, v] of Object.entries(headers)) {
      if (k.startsWith(':')) continue;
      lines.push(`    ${k}: ${redact(k, v)}`);
    }
    this.#trace(lines.join('\n'));
  }

  async #send(path: string, creds: Credentials, signal: AbortSignal, accept: string): Promise<Sent> {
    if (this.#mode !== 'h1') {
      const lease = await this.#pool.acquire(creds.tls, creds.tlsKey, signal);
      if (lease === 'h1') {
        this.#mode = 'h1';
      } else {
        this.#mode = 'h2';
        return this.#sendH2(path, creds, signal, accept, lease);
      }
    }
    return this.#sendH1(path, creds, signal, accept);
  }

  /** What both protocols send and log first: the URL, the request headers, the start time. */
  #begin(path: string, creds: Credentials, accept: string) {
    const url = this.#origin + this.#basePath + path;
    const reqHeaders: Record<string, string | string[]> = {
      ...creds.headers,
      accept,
      'user-agent': USER_AGENT,
    };
    this.#logRequest(url, reqHeaders);
    const started = performance.now();
    const responded = (status: number) =>
      this.#debug(6, `GET ${url} ${status} in ${Math.round(performance.now() - started)}ms`);
    return { url, reqHeaders, responded };
  }

  #sendH2(
    path: string,
    creds: Credentials,
    signal: AbortSignal,
    accept: string,
    lease: Lease,
  ): Promise<Sent> {
    const { url, reqHeaders, responded: logResponse } = this.#begin(path, creds, accept);
    let stream: ClientHttp2Stream;
    try {
      stream = lease.conn.session.request(
        { ':method': 'GET', ':path': this.#basePath + path, ...reqHeaders },
        { endStream: true },
      );
    } catch (e) {
      lease.release();
      lease.conn.dead = true;
      return Promise.reject(new RetryableError(streamError(this.server, e)));
    }
    stream.once('close', () => lease.release());
    let responded = false;
    const cancel = () => {
      if (!stream.closed && !stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
    };
    const offAbort = this.#aborts.on(signal, cancel);
    stream.once('close', offAbort);
    return new Promise<Sent>((resolve, reject) => {
      stream.once('response', (h) => {
        responded = true;
        const status = Number(h[':status']);
        logResponse(status);
        const session = lease.conn.session;
        // When the session goes away (socket closed, session destroyed) node ends the iteration of its
        // streams without an error: only the missing END_STREAM ('end') tells.
        const cut = () =>
          stream.readableEnded
            ? undefined
            : {
                why: session.destroyed
                  ? 'the connection was closed'
                  : `stream closed with code ${stream.rstCode}`,
                code: 'ERR_HTTP2_STREAM_ERROR',
              };
        const body = responseBody(stream, cut, signal, this.server, cancel);
        resolve({ status, headers: h as IncomingHttpHeaders, url, body, cancel, protocol: 'h2' });
      });
      const early = (e?: Error) => {
        if (responded) return;
        responded = true;
        if (signal.aborted) {
          reject(abortError(signal));
          return;
        }
        const err = streamError(
          this.server,
          e ?? new Error(`stream closed before a response (code ${stream.rstCode ?? 'unknown'})`),
        );
        const refused = stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM;
        reject(lease.reused || refused ? new RetryableError(err) : err);
      };
      stream.on('error', early);
      stream.once('close', () => early());
    });
  }

  #agentFor(creds: Credentials): http.Agent {
    if (creds.proxyAgent !== undefined) return creds.proxyAgent;
    if (this.#agent?.key === creds.tlsKey) return this.#agent.agent;
    // Streams still running on the old agent's sockets keep going; close() destroys it.
    if (this.#agent !== undefined) this.#oldAgents.push(this.#agent.agent);
    const common = { keepAlive: true, keepAliveMsecs: 30_000, scheduling: 'lifo' as const };
    const servername = sniFor(this.#host, creds.tls);
    const tlsOptions = {
      ...common,
      ...creds.tls,
      ...(servername === undefined ? {} : { servername }),
      ALPNProtocols: ['http/1.1'],
    };
    const agent =
      this.#proxy !== undefined
        ? tunnelAgent(this.#proxy, this.#tls, this.#tls ? tlsOptions : common, this.#connectTimeoutMs)
        : this.#tls
          ? new https.Agent(tlsOptions)
          : new http.Agent(common);
    this.#agent = { key: creds.tlsKey, agent };
    return agent;
  }

  #sendH1(path: string, creds: Credentials, signal: AbortSignal, accept: string): Promise<Sent> {
    const { url, reqHeaders, responded: logResponse } = this.#begin(path, creds, accept);
    const mod = this.#tls ? https : http;
    const agent = this.#agentFor(creds);
    return new Promise<Sent>((resolve, reject) => {
      let responded = false;
      const req = mod.request({
        host: this.#host,
        port: this.#port,
        path: this.#basePath + path,
        method: 'GET',
        headers: reqHeaders,
        agent,
      });
      const cancel = () => {
        if (!req.destroyed) req.destroy();
      };
      const offAbort = this.#aborts.on(signal, cancel);
      req.once('close', offAbort);
      req.on('error', (e) => {
        if (responded) return;
        responded = true;
        if (signal.aborted) {
          reject(abortError(signal));
          return;
        }
        const code = (e as NodeJS.ErrnoException).code;
        // A socket from the keep-alive pool may have been closed by the server meanwhile.
        const reused = req.reusedSocket;
        const stale = reused && (code === 'ECONNRESET' || code === 'EPIPE');
        const err = reused ? streamError(this.server, e) : connectError(this.server, e);
        reject(stale ? new RetryableError(err) : err);
      });
      req.once('response', (res) => {
        responded = true;
        const status = res.statusCode ?? 0;
        logResponse(status);
        // A keep-alive response cut short by the socket closing ends without 'error' on some node
        // versions; `complete` tells.
        const cut = () => (res.complete ? undefined : { why: 'response incomplete', code: 'ECONNRESET' });
        const body = responseBody(res, cut, signal, this.server, () => {
          if (!res.complete) cancel();
        });
        resolve({ status, headers: res.headers, url, body, cancel, protocol: 'h1' });
      });
      req.end();
    });
  }
}

/**
 * A response body as chunks. A source that ends without its proper end (`cut` says why) throws: a reset
 * or a closed connection is never a silent end of a log stream. An abort ends it quietly. `done` runs last.
 */
async function* responseBody(
  source: AsyncIterable<unknown>,
  cut: () => { why: string; code: string } | undefined,
  signal: AbortSignal,
  server: string,
  done: () => void,
): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) yield chunk as Buffer;
    const c = signal.aborted ? undefined : cut();
    if (c !== undefined) {
      throw new KubeError(`the connection to ${server} was interrupted: ${c.why}`, {
        status: 0,
        code: c.code,
      });
    }
  } catch (e) {
    if (signal.aborted) return;
    throw streamError(server, e);
  } finally {
    done();
  }
}

/** A failure before the request reached the server, on a connection that may have been stale. */
class RetryableError extends Error {
  readonly error: KubeError;
  constructor(error: KubeError) {
    super(error.message);
    this.error = error;
  }
}

async function readSome(body: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of body) {
      chunks.push(c);
      n += c.length;
      if (n >= max) break;
    }
  } catch {
    // the status line is enough when the body cannot be read
  }
  return Buffer.concat(chunks);
}

export async function createKubeApi(kube: ResolvedKube, opts: TransportOptions = {}): Promise<HttpKubeApi> {
  return new HttpKubeApi(kube, opts);
}
