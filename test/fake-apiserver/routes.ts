// Request routing: auth, discovery, pods (list/get/watch/log), workloads, namespaces, nodes.

import { apiGroup, apiGroupList, apiVersions, coreV1, GROUPS, groupV1, VERSION } from './discovery.ts';
import { answerHostile } from './hostile.ts';
import type { Exchange } from './http.ts';
import { pipeLog } from './logs.ts';
import { containerStatus, POD_FIELDS, podFields } from './pods.ts';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors.ts';
import type { OpenLog, ServerState } from './state.ts';
import {
  ApiError,
  badRequest,
  expired,
  forbidden,
  invalid,
  notFound,
  status,
  unauthorized,
} from './status.ts';
import { type IncludeObject, table, wantsTable } from './table.ts';
import { nowNs, parseRfc3339, rfc3339 } from './time.ts';
import type { KubeObject, Pod } from './types.ts';
import { WatchStream } from './watch.ts';
import { WORKLOAD_RESOURCES } from './workloads.ts';

export function handle(st: ServerState, ex: Exchange): void {
  try {
    if (st.hostile === undefined || !answerHostile(st.hostile, st, ex)) route(st, ex);
  } catch (e) {
    if (ex.res.headersSent) {
      ex.reset();
      if (!(e instanceof ApiError)) console.error('fake-apiserver: handler failed mid-response:', e);
    } else if (e instanceof ApiError) {
      ex.json(e.status.code, e.status);
    } else {
      console.error('fake-apiserver: handler failed:', e);
      ex.json(500, status(500, 'InternalError', `Internal error occurred: ${String(e)}`));
    }
  }
}

function parseBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

function parseInt64(v: string | null): number | undefined {
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

function route(st: ServerState, ex: Exchange) {
  if (ex.header('authorization') !== `Bearer ${st.token}`) {
    ex.json(401, unauthorized());
    return;
  }
  if (st.unavailable) {
    ex.json(503, status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'));
    return;
  }
  const parts = ex.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (ex.method !== 'GET') {
    throw new ApiError(
      status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'),
    );
  }
  const [a, b, c] = parts;
  if (parts.length === 1 && a === 'version') return ex.json(200, VERSION);
  if (parts.length === 1 && (a === 'healthz' || a === 'livez' || a === 'readyz')) return ex.text(200, 'ok');
  if (a === 'api') {
    if (parts.length === 1) return ex.json(200, apiVersions(st.serverAddress));
    if (b === 'v1') {
      if (parts.length === 2) return ex.json(200, coreV1());
      return resources(st, ex, '', parts.slice(2));
    }
  }
  if (a === 'apis') {
    if (parts.length === 1) return ex.json(200, apiGroupList());
    if (b && GROUPS.includes(b)) {
      if (parts.length === 2) return ex.json(200, apiGroup(b));
      if (c === 'v1') {
        if (parts.length === 3) return ex.json(200, groupV1(b));
        return resources(st, ex, b, parts.slice(3));
      }
    }
  }
  throw notFoundPath();
}

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.namespace',
  'type',
  'reason',
  'metadata.namespace',
];

const notFoundPath = () =>
  new ApiError(status(404, 'NotFound', 'the server could not find the requested resource', {}));

/** Everything under /api/v1 or /apis/{group}/v1. */
function resources(st: ServerState, ex: Exchange, group: string, rest: string[]) {
  let watch = parseBool(ex.query.get('watch'));
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let ns: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, sub] = rest;
  if (!resource || rest.length > 3) throw notFoundPath();
  if (group === '' && ns === undefined && (resource === 'namespaces' || resource === 'nodes')) {
    return clusterScoped(st, ex, resource, name);
  }
  if (group === '' && resource === 'events' && !name && !watch) {
    checkNamespace(st, 'list', 'events', '', ns, undefined);
    const fields = parseSelector(() => parseFieldSelector(ex.query.get('fieldSelector') ?? '', EVENT_FIELDS));
    const items = st.events.filter((e) => {
      const io = (e['involvedObject'] ?? {}) as Record<string, string>;
      return (
        (ns === undefined || e.metadata.namespace === ns) &&
        matchFields(fields, {
          'involvedObject.kind': io['kind'] ?? '',
          'involvedObject.name': io['name'] ?? '',
          'involvedObject.uid': io['uid'] ?? '',
          'involvedObject.namespace': io['namespace'] ?? '',
          type: String(e['type'] ?? ''),
          reason: String(e['reason'] ?? ''),
          'metadata.namespace': e.metadata.namespace ?? '',
        })
      );
    });
    return sendList(st, ex, 'EventList', 'v1', items);
  }
  if (group === '' && resource === 'pods') {
    if (sub === 'log' && ns !== undefined && name) return podLog(st, ex, ns, name);
    if (sub) throw notFoundPath();
    if (name) {
      if (ns === undefined) throw notFoundPath();
      checkNamespace(st, 'get', 'pods', '', ns, name);
      const pod = st.store.get(ns, name);
      if (!pod) throw notFound('pods', '', name);
      return sendObject(st, ex, pod);
    }
    return listPods(st, ex, ns, watch);
  }
  const info = WORKLOAD_RESOURCES.find((w) => w.resource === resource && w.group === group);
  if (!info || sub) throw notFoundPath();
  const verb = name ? 'get' : watch ? 'watch' : 'list';
  checkNamespace(st, verb, resource, group, ns, name);
  const all = [...st.workloads.entries()]
    .filter(([k]) => k.startsWith(`${resource}/`))
    .map(([, v]) => v)
    .sort((x, y) =>
      `${x.metadata.namespace}/${x.metadata.name}` < `${y.metadata.namespace}/${y.metadata.name}` ? -1 : 1,
    );
  if (name) {
    const obj = all.find((o) => o.metadata.namespace === ns && o.metadata.name === name);
    if (!obj || ns === undefined) throw notFound(resource, group, name);
    return sendObject(st, ex, obj);
  }
  const labels = parseSelector(() => parseLabelSelector(ex.query.get('labelSelector') ?? ''));
  const fields = parseSelector(() =>
    parseFieldSelector(ex.query.get('fieldSelector') ?? '', ['metadata.name', 'metadata.namespace']),
  );
  const items = all.filter(
    (o) =>
      (ns === undefined || o.metadata.namespace === ns) &&
      matchLabels(labels, o.metadata.labels) &&
      matchFields(fields, {
        'metadata.name': o.metadata.name,
        'metadata.namespace': o.metadata.namespace ?? '',
      }),
  );
  if (watch) {
    // workloads never change: initial events, then an idle stream until the client leaves
    ex.writeHead(200, { 'content-type': 'application/json' });
    const rv = ex.query.get('resourceVersion');
    if (!rv || rv === '0')
      for (const o of items) ex.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
    return;
  }
  sendList(st, ex, `${info.kind}List`, group ? `${group}/v1` : 'v1', items);
}

function parseSelector<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

function checkNamespace(
  st: ServerState,
  verb: string,
  resource: string,
  group: string,
  ns: string | undefined,
  name?: string,
): void {
  const denied = ns === undefined ? st.deniedNamespaces.size > 0 : st.deniedNamespaces.has(ns);
  if (denied) {
    throw forbidden({
      user: st.user,
      verb,
      resource,
      group,
      ...(ns === undefined ? {} : { namespace: ns }),
      ...(name ? { name } : {}),
    });
  }
}

function includeObject(ex: Exchange): IncludeObject {
  const v = ex.query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function sendObject(st: ServerState, ex: Exchange, obj: KubeObject | Pod) {
  if (wantsTable(ex.header('accept'))) {
    return ex.json(200, table([obj], { resourceVersion: String(st.store.rv), include: includeObject(ex) }));
  }
  ex.json(200, obj);
}

/** Sends a list (or a Table), honouring `limit`/`continue` and resourceVersionMatch=Exact. */
function sendList(
  st: ServerState,
  ex: Exchange,
  kind: string,
  apiVersion: string,
  items: (KubeObject | Pod)[],
) {
  const rv = ex.query.get('resourceVersion');
  if (ex.query.get('resourceVersionMatch') === 'Exact' && rv && Number(rv) < st.store.compactedRv) {
    throw new ApiError(expired(rv, st.store.compactedRv));
  }
  let start = 0;
  const cont = ex.query.get('continue');
  if (cont) {
    try {
      start = (JSON.parse(Buffer.from(cont, 'base64url').toString()) as { start: number }).start;
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
    }
  }
  const limit = parseInt64(ex.query.get('limit')) ?? 0;
  let page = items.slice(start);
  let continueToken: string | undefined;
  let remaining: number | undefined;
  if (limit > 0 && page.length > limit) {
    remaining = page.length - limit;
    page = page.slice(0, limit);
    continueToken = Buffer.from(JSON.stringify({ rv: st.store.rv, start: start + limit })).toString(
      'base64url',
    );
  }
  const listRv = String(st.store.rv);
  if (wantsTable(ex.header('accept'))) {
    return ex.json(200, table(page, { resourceVersion: listRv, include: includeObject(ex), continueToken }));
  }
  const metadata: Record<string, unknown> = { resourceVersion: listRv };
  if (continueToken) {
    metadata['continue'] = continueToken;
    metadata['remainingItemCount'] = remaining;
  }
  // list items carry no kind/apiVersion, like the real API
  const stripped = page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  ex.json(200, { kind, apiVersion, metadata, items: stripped });
}

function listPods(st: ServerState, ex: Exchange, ns: string | undefined, watch: boolean) {
  checkNamespace(st, watch ? 'watch' : 'list', 'pods', '', ns);
  const labels = parseSelector(() => parseLabelSelector(ex.query.get('labelSelector') ?? ''));
  const fields = parseSelector(() => parseFieldSelector(ex.query.get('fieldSelector') ?? '', POD_FIELDS));
  const matches = (p: Pod) =>
    (ns === undefined || p.metadata.namespace === ns) &&
    matchLabels(labels, p.metadata.labels) &&
    matchFields(fields, podFields(p));
  if (!watch) return sendList(st, ex, 'PodList', 'v1', st.store.list().filter(matches));
  const timeout = parseInt64(ex.query.get('timeoutSeconds'));
  const asTable = wantsTable(ex.header('accept'));
  const include = includeObject(ex);
  const w: WatchStream = new WatchStream(
    ex,
    st.store,
    {
      matches,
      resourceVersion: ex.query.get('resourceVersion') ?? undefined,
      sendInitialEvents: parseBool(ex.query.get('sendInitialEvents')),
      bookmarks: parseBool(ex.query.get('allowWatchBookmarks')),
      bookmarkIntervalMs: st.bookmarkIntervalMs,
      timeoutSeconds: timeout !== undefined && timeout > 0 ? timeout : undefined,
      encode: (p, first) =>
        asTable ? table([p], { resourceVersion: p.metadata.resourceVersion, include, headers: first }) : p,
    },
    () => st.watches.delete(w),
  );
  st.watches.add(w);
  w.start();
}

function clusterScoped(st: ServerState, ex: Exchange, resource: string, name: string | undefined) {
  const names =
    resource === 'namespaces'
      ? new Set([...st.store.namespaces, ...[...st.workloads.values()].map((w) => w.metadata.namespace!)])
      : new Set(['node-1', ...st.store.list().map((p) => p.spec.nodeName ?? '')].filter(Boolean));
  const build = (n: string): KubeObject =>
    resource === 'namespaces'
      ? {
          kind: 'Namespace',
          apiVersion: 'v1',
          metadata: {
            name: n,
            uid: `00000000-0000-4000-8000-${Buffer.from(n).toString('hex').padEnd(12, '0').slice(0, 12)}`,
            resourceVersion: '1',
            creationTimestamp: rfc3339(Date.now() - 86400_000),
            labels: { 'kubernetes.io/metadata.name': n },
          },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        }
      : {
          kind: 'Node',
          apiVersion: 'v1',
          metadata: {
            name: n,
            uid: `00000000-0000-4000-9000-${Buffer.from(n).toString('hex').padEnd(12, '0').slice(0, 12)}`,
            resourceVersion: '1',
            creationTimestamp: rfc3339(Date.now() - 86400_000),
            labels: { 'kubernetes.io/hostname': n, 'kubernetes.io/os': 'linux' },
          },
          spec: {},
          status: {
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'KubeletReady',
                message: 'kubelet is posting ready status',
              },
            ],
            nodeInfo: { kubeletVersion: VERSION.gitVersion, containerRuntimeVersion: 'containerd://1.7.24' },
          },
        };
  if (name) {
    if (!names.has(name)) throw notFound(resource, '', name);
    return sendObject(st, ex, build(name));
  }
  const items = [...names].sort().map(build);
  sendList(st, ex, resource === 'namespaces' ? 'NamespaceList' : 'NodeList', 'v1', items);
}

// --- pods/log ---------------------------------------------------------------------------------------

function podLog(st: ServerState, ex: Exchange, ns: string, name: string) {
  const hang = st.logHang;
  if (
    hang !== undefined &&
    (hang.filter.namespace === undefined || hang.filter.namespace === ns) &&
    (hang.filter.pod === undefined || hang.filter.pod === name) &&
    (hang.filter.container === undefined || hang.filter.container === (ex.query.get('container') ?? '')) &&
    (hang.follow === undefined || hang.follow === (ex.query.get('follow') === 'true'))
  ) {
    return; // never answered: the client's deadline (or its going away) ends it
  }
  const lf = st.logFailure;
  if (
    lf !== undefined &&
    (lf.filter.namespace === undefined || lf.filter.namespace === ns) &&
    (lf.filter.pod === undefined || lf.filter.pod === name) &&
    (lf.filter.container === undefined || lf.filter.container === (ex.query.get('container') ?? ''))
  ) {
    if (lf.remaining !== undefined && --lf.remaining <= 0) st.logFailure = undefined;
    const reason =
      lf.status === 429 ? 'TooManyRequests' : lf.status === 503 ? 'ServiceUnavailable' : 'InternalError';
    const body = Buffer.from(
      JSON.stringify(
        status(
          lf.status,
          reason,
          lf.status === 429
            ? 'Too many requests, please try again later.'
            : 'the server is currently unable to handle the request',
          lf.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: lf.retryAfterSeconds },
        ),
      ),
    );
    ex.writeHead(lf.status, {
      'content-type': 'application/json',
      'content-length': body.length,
      ...(lf.retryAfterSeconds === undefined ? {} : { 'retry-after': lf.retryAfterSeconds }),
    });
    ex.res.end(body);
    return;
  }
  if (st.deniedNamespaces.has(ns) || st.deniedLogs.has(ns) || st.deniedLogs.has(`${ns}/${name}`)) {
    throw forbidden({
      user: st.user,
      verb: 'get',
      resource: 'pods',
      subresource: 'log',
      namespace: ns,
      name,
    });
  }
  const q = ex.query;
  const sinceSeconds = parseInt64(q.get('sinceSeconds'));
  const tailLines = parseInt64(q.get('tailLines'));
  const limitBytes = parseInt64(q.get('limitBytes'));
  const sinceTimeRaw = q.get('sinceTime');
  let sinceTimeNs: bigint | undefined;
  if (sinceTimeRaw !== null) {
    sinceTimeNs = parseRfc3339(sinceTimeRaw);
    if (sinceTimeNs === undefined) {
      throw badRequest(
        `parsing time "${sinceTimeRaw}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTimeRaw}" as "2006"`,
      );
    }
  }
  const causes: { field: string; type: string; detail: string }[] = [];
  if (tailLines !== undefined && tailLines < 0) {
    causes.push({
      field: 'tailLines',
      type: 'Invalid',
      detail: `Invalid value: ${tailLines}: must be greater than or equal to 0`,
    });
  }
  if (limitBytes !== undefined && limitBytes < 1) {
    causes.push({
      field: 'limitBytes',
      type: 'Invalid',
      detail: `Invalid value: ${limitBytes}: must be greater than 0`,
    });
  }
  if (sinceSeconds !== undefined && sinceTimeNs !== undefined) {
    causes.push({
      field: '',
      type: 'Forbidden',
      detail: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    causes.push({
      field: 'sinceSeconds',
      type: 'Invalid',
      detail: `Invalid value: ${sinceSeconds}: must be greater than 0`,
    });
  }
  if (causes.length > 0) throw invalid('PodLogOptions', name, causes);

  const pod = st.store.get(ns, name);
  if (!pod) throw notFound('pods', '', name);
  let container = q.get('container') ?? '';
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
  if (container === '') {
    if (pod.spec.containers.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`,
      );
    }
    container = pod.spec.containers[0]!.name;
  } else if (!all.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (!pod.spec.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const previous = parseBool(q.get('previous'));
  const cs = containerStatus(pod, container);
  if (!cs) throw badRequest(`container "${container}" in pod "${name}" is not available`);
  // the kubelet's choice of container instance (validateContainerLogStatus)
  let cid: string | undefined;
  const { running, terminated, waiting } = cs.state;
  const last = cs.lastState.terminated;
  if (previous) {
    if (!last?.containerID)
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    cid = last.containerID;
  } else if (running) {
    cid = cs.containerID;
  } else if (terminated) {
    cid = terminated.containerID || last?.containerID;
    if (!cid) throw badRequest(`container "${container}" in pod "${name}" is terminated`);
  } else if (last) {
    if (!last.containerID) throw badRequest(`container "${container}" in pod "${name}" is terminated`);
    cid = last.containerID;
  } else if (waiting) {
    const why =
      waiting.reason === 'ErrImagePull'
        ? "image can't be pulled"
        : waiting.reason === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : waiting.reason;
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  if (!cid) throw badRequest(`container "${container}" in pod "${name}" is not available`);

  // Like the kubelet: following an instance that is no longer running sends its log and ends.
  const follow = parseBool(q.get('follow')) && running !== undefined && !previous;
  const buf = st.logs.buffer(cid);
  ex.writeHead(200, { 'content-type': 'text/plain' });
  const open: OpenLog = { namespace: ns, pod: name, container, ex, follow, stop: () => {} };
  st.logStreams.add(open);
  ex.onClose(() => {
    open.stop();
    st.logStreams.delete(open);
  });
  const sinceNs = sinceSeconds !== undefined ? nowNs() - BigInt(sinceSeconds) * 1_000_000_000n : sinceTimeNs;
  open.stop = pipeLog(
    buf,
    {
      follow,
      timestamps: parseBool(q.get('timestamps')),
      ...(sinceNs === undefined ? {} : { sinceNs }),
      ...(tailLines === undefined ? {} : { tailLines }),
      ...(limitBytes === undefined ? {} : { limitBytes }),
    },
    ex,
    () => st.logStreams.delete(open),
  );
}
