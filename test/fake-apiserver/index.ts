// The fake Kubernetes API server: real wire protocol (TLS, HTTP/2 + HTTP/1.1, JSON, watch streams,
// chunked logs) over an in-memory cluster that tests drive directly. See README.md.
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tlsMaterial } from './certs.ts';
import type { HostileOptions } from './hostile.ts';
import { Exchange, listen, type RequestRecord } from './http.ts';
import { type KubeconfigOptions, kubeconfigYaml, writeKubeconfigFile } from './kubeconfig.ts';
import { LogStore } from './logs.ts';
import * as podState from './pods.ts';
import { buildPod, type CreatePodOptions, currentInstance } from './pods.ts';
import { handle } from './routes.ts';
import type { OpenLog, ServerState } from './state.ts';
import { expired } from './status.ts';
import { PodStore } from './store.ts';
import { rfc3339, type TimestampFormat } from './time.ts';
import type { ContainerStatus, KubeObject, Pod } from './types.ts';
import { buildWorkload, type CreateWorkloadOptions, resourceOf, type WorkloadKind } from './workloads.ts';

export type { HostileOptions } from './hostile.ts';
export type { RequestRecord } from './http.ts';
export type { KubeconfigOptions } from './kubeconfig.ts';
export type { CreatePodOptions } from './pods.ts';
export type { KubeObject, Pod } from './types.ts';
export type { CreateWorkloadOptions, WorkloadKind } from './workloads.ts';

export interface FakeApiServerOptions {
  /** Bearer token required on every request (default: random); 401 Status otherwise. */
  token?: string;
  /** Default true: ALPN offers h2 and http/1.1. false: HTTP/1.1 only. */
  http2?: boolean;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS (default 250). */
  maxConcurrentStreams?: number;
  host?: string;
  port?: number;
  /** Interval of BOOKMARK events on watches with allowWatchBookmarks=true (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Log timestamps: 'fixed' (9 digits, what the kubelet sends; default) or 'trimmed' (Go RFC3339Nano). */
  timestampFormat?: TimestampFormat;
  /** User name in 403 messages (default "system:serviceaccount:default:kstern"). */
  user?: string;
}

export interface StreamFilter {
  namespace?: string;
  pod?: string;
  container?: string;
}

export interface FakeApiServerStats {
  /** TCP connections accepted (cumulative). */
  connections: number;
  /** TCP connections open now. */
  connectionsOpen: number;
  /** HTTP/2 sessions established (cumulative). */
  h2Sessions: number;
  /** HTTP/2 sessions open now. */
  h2SessionsOpen: number;
  /** Requests in flight now (HTTP/2 streams and HTTP/1.1 requests). */
  openStreams: number;
  /** pods/log responses open now. */
  logStreamsOpen: number;
  /** Watch responses open now. */
  watchesOpen: number;
  /** Bytes written to open log responses but not yet sent (bounded by backpressure). */
  logBytesBuffered: number;
}

export interface FakeApiServer {
  url: string;
  caPem: string;
  token: string;
  kubeconfig(o?: KubeconfigOptions): string;
  writeKubeconfig(o?: KubeconfigOptions): Promise<string>;

  createPod(p: CreatePodOptions): Pod;
  deletePod(namespace: string, name: string): void;
  /** Sets metadata.deletionTimestamp (MODIFIED; the pod shows as Terminating); deletePod finishes it. */
  markPodTerminating(namespace: string, name: string): Pod;
  /** The running instance ends (exit code default 1, reason default Error) and a new one runs. */
  restartContainer(
    namespace: string,
    pod: string,
    container: string,
    exitCode?: number,
    reason?: string,
  ): void;
  /** The running instance ends for good (reason default: Completed for 0, else Error; e.g. OOMKilled). */
  terminateContainer(
    namespace: string,
    pod: string,
    container: string,
    exitCode?: number,
    reason?: string,
  ): void;
  /** The container waits with this reason (default CrashLoopBackOff) and the kubelet's message, if given. */
  setContainerWaiting(
    namespace: string,
    pod: string,
    container: string,
    reason?: string,
    message?: string,
  ): void;
  /** Starts a Waiting container (ContainerCreating -> Running); restartCount+1 when it ran before. */
  startContainer(namespace: string, pod: string, container: string): void;
  /** Any other change: `fn` edits a copy of the pod; MODIFIED event. */
  updatePod(namespace: string, name: string, fn: (p: Pod) => void): Pod;
  getPod(namespace: string, name: string): Pod | undefined;
  listPods(namespace?: string): Pod[];

  appendLog(namespace: string, pod: string, container: string, lines: string | string[]): void;
  appendRaw(namespace: string, pod: string, container: string, content: Buffer, timestamp?: string): void;
  startLoad(o: {
    namespace?: string;
    pod: string;
    container: string;
    linesPerSecond: number;
    prefix?: string;
    count?: number;
  }): () => void;

  dropLogStreams(filter?: StreamFilter): number;
  endLogStreams(filter?: StreamFilter): number;
  dropWatches(): number;
  /** Resets every watch stream (RST_STREAM on h2, destroyed socket on h1). */
  resetWatches(): number;
  compact(): void;
  denyNamespace(ns: string): void;
  allowNamespace(ns: string): void;
  denyLogs(ns: string, pod?: string): void;
  allowLogs(ns: string, pod?: string): void;
  /**
   * true: the listener closes and every connection is destroyed, so clients get ECONNREFUSED (or a
   * reset mid-stream); false: listens again on the same port. Resolves once the change is in effect.
   */
  setDown(down: boolean): Promise<void>;
  /** true: every request gets 503 ServiceUnavailable (connections stay up). */
  setUnavailable(on: boolean): void;
  /**
   * Answers pods/log requests matching `filter` with `status` (e.g. 429, 503) and a Retry-After header
   * when `retryAfterSeconds` is set, `times` times (default: until `failLogRequests(undefined)`).
   */
  failLogRequests(
    o: { status: number; retryAfterSeconds?: number; filter?: StreamFilter; times?: number } | undefined,
  ): void;
  /**
   * Hostile: stops the normal output of the matching open log streams and sends `totalBytes` of `x` on
   * them with no newline (a line that never ends), respecting flow control. Resolves when all is sent.
   */
  sendEndlessLine(filter: StreamFilter, totalBytes: number): Promise<number>;
  /**
   * New pods/log requests matching `filter` (and `follow`, when given) get no answer at all, not even
   * headers, until the client gives up (a hung request). `undefined` turns it off.
   */
  hangLogRequests(o: { filter?: StreamFilter; follow?: boolean } | undefined): void;
  /**
   * Keeps the matching open log streams open but sends nothing more on them (a stuck stream: the
   * connection stays healthy, lines keep being logged). Returns the count.
   */
  stallLogStreams(filter?: StreamFilter): number;
  /** GOAWAY on every HTTP/2 session, then the sessions are destroyed after `graceMs` (default 100). */
  goAway(graceMs?: number): number;
  /** Changes the bearer token the server accepts (a credential rotation: the old one now gets 401). */
  setToken(token: string): void;
  /** Hostile answers from now on (see hostile.ts); undefined turns them off. */
  hostile(o: HostileOptions | undefined): void;

  /**
   * Records an Event about a pod (as the kubelet does: BackOff, Failed, Pulling, ...). Recording the same
   * reason for the same pod again bumps its count and lastTimestamp, like the event recorder.
   */
  podEvent(
    namespace: string,
    pod: string,
    o: { type?: 'Normal' | 'Warning'; reason: string; message: string },
  ): KubeObject;
  createWorkload(kind: WorkloadKind, o: CreateWorkloadOptions): KubeObject;
  deleteWorkload(kind: WorkloadKind, namespace: string, name: string): void;
  /** Any change to a workload (e.g. a Job's status conditions): `fn` edits a copy; resourceVersion bumps. */
  updateWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    fn: (o: KubeObject) => void,
  ): KubeObject;
  /** A Job ends: status.conditions Complete (or Failed with `reason`), active 0, succeeded/failed counts. */
  finishJob(
    namespace: string,
    name: string,
    o: { failed?: boolean; reason?: string; succeeded?: number; failedPods?: number },
  ): KubeObject;

  stats(): FakeApiServerStats;
  requests: RequestRecord[];
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const tls = tlsMaterial();
  const token = opts.token ?? randomBytes(16).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  const st: ServerState = {
    store: new PodStore(),
    logs: new LogStore(opts.timestampFormat ?? 'fixed'),
    workloads: new Map(),
    events: [],
    token,
    user: opts.user ?? 'system:serviceaccount:default:kstern',
    serverAddress: '',
    deniedNamespaces: new Set(),
    deniedLogs: new Set(),
    unavailable: false,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
    watches: new Set(),
    logStreams: new Set(),
    requests: [],
    openRequests: 0,
  };
  const listener = await listen({
    tls,
    http2: opts.http2 ?? true,
    maxConcurrentStreams: opts.maxConcurrentStreams ?? 250,
    host,
    port: opts.port ?? 0,
    onRequest: (req, res) => {
      st.openRequests++;
      res.on('close', () => st.openRequests--);
      handle(st, new Exchange(req, res, (r) => st.requests.push(r)));
    },
  });
  const hostPort = host.includes(':') ? `[${host}]:${listener.port}` : `${host}:${listener.port}`;
  st.serverAddress = hostPort;
  const url = `https://${hostPort}`;
  const files: string[] = [];
  const loads = new Set<NodeJS.Timeout>();

  const mustPod = (ns: string, name: string): Pod => {
    const p = st.store.get(ns, name);
    if (!p) throw new Error(`fake-apiserver: pod ${ns}/${name} not found`);
    return p;
  };
  const mustStatus = (p: Pod, container: string) => {
    const s = podState.containerStatus(p, container);
    if (!s)
      throw new Error(
        `fake-apiserver: pod ${p.metadata.namespace}/${p.metadata.name} has no container ${container}`,
      );
    return s;
  };
  /** Changes one container; ends the log of the instance that stopped being current. */
  const changeContainer = (ns: string, pod: string, container: string, fn: (s: ContainerStatus) => void) => {
    const before = currentInstance(mustStatus(mustPod(ns, pod), container));
    const after = st.store.update(ns, pod, (p) => fn(mustStatus(p, container)));
    const now = mustStatus(after, container);
    if (before && (before !== currentInstance(now) || now.state.terminated)) st.logs.buffer(before).end();
  };
  const instanceFor = (ns: string, pod: string, container: string): string => {
    const s = mustStatus(mustPod(ns, pod), container);
    const cid = currentInstance(s);
    if (!cid) {
      throw new Error(
        `fake-apiserver: container ${container} of ${ns}/${pod} has no running instance (it is waiting)`,
      );
    }
    return cid;
  };
  const matching = (f: StreamFilter = {}): OpenLog[] =>
    [...st.logStreams].filter(
      (l) =>
        (f.namespace === undefined || l.namespace === f.namespace) &&
        (f.pod === undefined || l.pod === f.pod) &&
        (f.container === undefined || l.container === f.container),
    );

  const server: FakeApiServer = {
    url,
    caPem: tls.caPem,
    token,
    requests: st.requests,
    kubeconfig: (o) => kubeconfigYaml(url, tls.caPem, token, o),
    async writeKubeconfig(o) {
      const file = await writeKubeconfigFile(kubeconfigYaml(url, tls.caPem, token, o));
      files.push(file);
      return file;
    },

    createPod: (p) => structuredClone(st.store.add(buildPod(p))),
    deletePod(ns, name) {
      const gone = st.store.remove(ns, name);
      if (!gone) throw new Error(`fake-apiserver: pod ${ns}/${name} not found`);
      for (const s of [...gone.status.containerStatuses, ...(gone.status.initContainerStatuses ?? [])]) {
        const cid = currentInstance(s);
        if (cid) st.logs.buffer(cid).end();
      }
    },
    markPodTerminating: (ns, name) =>
      structuredClone(
        st.store.update(ns, name, (p) => {
          p.metadata.deletionTimestamp = rfc3339(Date.now() + 30_000);
          p.metadata.deletionGracePeriodSeconds = 30;
        }),
      ),
    restartContainer: (ns, pod, c, exitCode = 1, reason) =>
      changeContainer(ns, pod, c, (s) => podState.restart(s, exitCode, reason)),
    terminateContainer: (ns, pod, c, exitCode = 0, reason) =>
      changeContainer(ns, pod, c, (s) => podState.stop(s, exitCode, reason)),
    setContainerWaiting: (ns, pod, c, reason = 'CrashLoopBackOff', message) =>
      changeContainer(ns, pod, c, (s) => podState.wait(s, reason, message)),
    startContainer: (ns, pod, c) =>
      changeContainer(ns, pod, c, (s) => {
        if (!s.state.running) podState.restart(s);
      }),
    updatePod: (ns, name, fn) => structuredClone(st.store.update(ns, name, fn)),
    getPod: (ns, name) => {
      const p = st.store.get(ns, name);
      return p && structuredClone(p);
    },
    listPods: (ns) =>
      st.store
        .list()
        .filter((p) => ns === undefined || p.metadata.namespace === ns)
        .map((p) => structuredClone(p)),

    appendLog(ns, pod, container, lines) {
      const cid = instanceFor(ns, pod, container);
      for (const l of typeof lines === 'string' ? [lines] : lines) st.logs.append(cid, Buffer.from(l));
    },
    appendRaw(ns, pod, container, content, timestamp) {
      st.logs.append(instanceFor(ns, pod, container), content, timestamp);
    },
    startLoad(o) {
      const ns = o.namespace ?? 'default';
      const prefix = o.prefix ?? `${o.pod}/${o.container}`;
      const started = Date.now();
      let n = 0;
      const tick = () => {
        const due = Math.min(
          o.count ?? Number.POSITIVE_INFINITY,
          Math.floor(((Date.now() - started) / 1000) * o.linesPerSecond) + 1,
        );
        const batch: string[] = [];
        while (n < due) batch.push(`${prefix} seq=${++n}`);
        try {
          if (batch.length) server.appendLog(ns, o.pod, o.container, batch);
        } catch {
          stop(); // the pod or container went away
          return;
        }
        if (o.count !== undefined && n >= o.count) stop();
      };
      const timer = setInterval(tick, Math.max(1, Math.min(50, 1000 / o.linesPerSecond)));
      loads.add(timer);
      const stop = () => {
        clearInterval(timer);
        loads.delete(timer);
      };
      tick();
      return stop;
    },

    dropLogStreams(f) {
      const m = matching(f);
      for (const l of m) {
        l.stop();
        st.logStreams.delete(l);
        l.ex.reset();
      }
      return m.length;
    },
    endLogStreams(f) {
      const m = matching(f);
      for (const l of m) {
        l.stop();
        st.logStreams.delete(l);
        l.ex.end();
      }
      return m.length;
    },
    dropWatches() {
      const ws = [...st.watches];
      for (const w of ws) w.end();
      return ws.length;
    },
    resetWatches() {
      const ws = [...st.watches];
      for (const w of ws) w.reset();
      return ws.length;
    },
    compact() {
      st.store.compact();
      for (const w of [...st.watches]) w.expire(expired(String(w.lastRv), st.store.compactedRv));
    },
    denyNamespace: (ns) => void st.deniedNamespaces.add(ns),
    allowNamespace: (ns) => void st.deniedNamespaces.delete(ns),
    denyLogs: (ns, pod) => void st.deniedLogs.add(pod ? `${ns}/${pod}` : ns),
    allowLogs: (ns, pod) => void st.deniedLogs.delete(pod ? `${ns}/${pod}` : ns),
    async setDown(down) {
      if (down) await listener.suspend();
      else await listener.resume();
    },
    setUnavailable(on) {
      st.unavailable = on;
    },
    failLogRequests(o) {
      st.logFailure =
        o === undefined
          ? undefined
          : {
              status: o.status,
              ...(o.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: o.retryAfterSeconds }),
              filter: { ...o.filter },
              ...(o.times === undefined ? {} : { remaining: o.times }),
            };
    },
    async sendEndlessLine(f, totalBytes) {
      const streams = matching(f);
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      await Promise.all(
        streams.map(async (l) => {
          l.stop();
          const res = l.ex.res as NodeJS.WritableStream & { destroyed?: boolean };
          for (let sent = 0; sent < totalBytes && !res.destroyed; sent += chunk.length) {
            if (!res.write(chunk.subarray(0, Math.min(chunk.length, totalBytes - sent)))) {
              await new Promise<void>((r) => {
                res.once('drain', r);
                res.once('close', r);
              });
            }
          }
        }),
      );
      return streams.length;
    },
    hangLogRequests(o) {
      st.logHang =
        o === undefined
          ? undefined
          : { filter: { ...o.filter }, ...(o.follow === undefined ? {} : { follow: o.follow }) };
    },
    stallLogStreams(f) {
      const m = matching(f);
      for (const l of m) l.stop();
      return m.length;
    },
    goAway: (graceMs = 100) => listener.goAway(graceMs),
    setToken(t) {
      st.token = t;
    },
    hostile(o) {
      if (o === undefined) delete st.hostile;
      else st.hostile = { ...o };
    },

    podEvent(ns, pod, o) {
      const p = mustPod(ns, pod);
      const now = rfc3339();
      const type = o.type ?? 'Warning';
      const same = st.events.find(
        (e) =>
          (e['involvedObject'] as { uid?: string }).uid === p.metadata.uid &&
          e['reason'] === o.reason &&
          e['message'] === o.message,
      );
      if (same) {
        same['count'] = Number(same['count'] ?? 1) + 1;
        same['lastTimestamp'] = now;
        same.metadata.resourceVersion = String(st.store.nextRv());
        return structuredClone(same);
      }
      const ev: KubeObject = {
        kind: 'Event',
        apiVersion: 'v1',
        metadata: {
          name: `${pod}.${randomBytes(8).toString('hex')}`,
          namespace: ns,
          uid: randomUUID(),
          resourceVersion: String(st.store.nextRv()),
          creationTimestamp: now,
        },
        involvedObject: {
          kind: 'Pod',
          namespace: ns,
          name: pod,
          uid: p.metadata.uid,
          apiVersion: 'v1',
          fieldPath: `spec.containers{${p.spec.containers[0]?.name ?? ''}}`,
        },
        reason: o.reason,
        message: o.message,
        source: { component: 'kubelet', host: p.spec.nodeName ?? '' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
      };
      st.events.push(ev);
      return structuredClone(ev);
    },
    createWorkload(kind, o) {
      const info = resourceOf(kind);
      const obj = buildWorkload(kind, o, st.store.nextRv());
      st.workloads.set(`${info.resource}/${obj.metadata.namespace}/${obj.metadata.name}`, obj);
      return structuredClone(obj);
    },
    deleteWorkload(kind, ns, name) {
      st.workloads.delete(`${resourceOf(kind).resource}/${ns}/${name}`);
    },
    updateWorkload(kind, ns, name, fn) {
      const key = `${resourceOf(kind).resource}/${ns}/${name}`;
      const obj = st.workloads.get(key);
      if (!obj) throw new Error(`fake-apiserver: ${kind} ${ns}/${name} not found`);
      const next = structuredClone(obj);
      fn(next);
      next.metadata.resourceVersion = String(st.store.nextRv());
      st.workloads.set(key, next);
      return structuredClone(next);
    },
    finishJob(ns, name, o) {
      return server.updateWorkload('Job', ns, name, (job) => {
        const now = rfc3339();
        const status = (job['status'] ?? {}) as Record<string, unknown>;
        const type = o.failed ? 'Failed' : 'Complete';
        job['status'] = {
          ...status,
          active: 0,
          ...(o.succeeded === undefined ? {} : { succeeded: o.succeeded }),
          ...(o.failedPods === undefined ? {} : { failed: o.failedPods }),
          ...(o.failed ? {} : { completionTime: now }),
          conditions: [
            {
              type,
              status: 'True',
              lastProbeTime: now,
              lastTransitionTime: now,
              ...(o.reason === undefined ? {} : { reason: o.reason }),
              ...(o.failed ? { message: 'Job has reached the specified backoff limit' } : {}),
            },
          ],
        };
      });
    },

    stats() {
      return {
        ...listener.stats(),
        openStreams: st.openRequests,
        logStreamsOpen: st.logStreams.size,
        watchesOpen: st.watches.size,
        logBytesBuffered: [...st.logStreams].reduce((n, l) => n + l.ex.buffered, 0),
      };
    },
    waitFor(pred, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const start = Date.now();
        const check = () => {
          let ok = false;
          try {
            ok = pred();
          } catch (e) {
            return reject(e);
          }
          if (ok) return resolve();
          if (Date.now() - start > timeoutMs) {
            return reject(
              new Error(
                `fake-apiserver: waitFor timed out after ${timeoutMs} ms (stats ${JSON.stringify(server.stats())})`,
              ),
            );
          }
          setTimeout(check, 10);
        };
        check();
      });
    },
    async close() {
      for (const t of loads) clearInterval(t);
      loads.clear();
      for (const w of [...st.watches]) w.end();
      for (const l of [...st.logStreams]) l.stop();
      await listener.close();
      await Promise.all(files.map((f) => rm(dirname(f), { recursive: true, force: true })));
    },
  };
  return server;
}
