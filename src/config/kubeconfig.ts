// Kubeconfig resolution, the way kubectl does it: --kubeconfig, else the KUBECONFIG path list (merged,
// first definition of a name wins), else ~/.kube/config, else (none of them exists, inside a pod) the
// in-cluster service account (in-cluster.ts); then kubectl's connection flags (--cluster, --user,
// --server, --token, ...: kube-overrides.ts) on top. With --server no file is needed at all.
// Every failure is one UserError line naming the file, context or flag. The result carries a @kubernetes/client-node KubeConfig, which supplies the auth
// material (certificates, tokens, exec plugins) to the transport.
import { constants as fsConstants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { errorMessage, UserError } from '../util/errors.ts';
import type { KubeOverrides } from './config.ts';
import { IN_CLUSTER, type InCluster, inClusterConfig, notInClusterReason } from './in-cluster.ts';
import {
  hasUserOverrides,
  impersonationOf,
  normalizeOverrides,
  overrideCluster,
  overrideUser,
} from './kube-overrides.ts';
import { checkProxyUrl, proxyFromEnv } from './proxy.ts';

export interface KubeconfigInput {
  /** --kubeconfig (wins over KUBECONFIG). */
  kubeconfigFlag?: string;
  /** --context */
  contextFlag?: string;
  /**
   * The environment: KUBECONFIG, and for the in-cluster configuration KUBERNETES_SERVICE_HOST,
   * KUBERNETES_SERVICE_PORT, POD_NAMESPACE and KSTERN_SERVICEACCOUNT_DIR (in-cluster.ts).
   */
  env: Record<string, string | undefined>;
  homeDir: string;
  /** kubectl's connection flags (--server, --token, --cluster, --user, ...), applied over the kubeconfig. */
  overrides?: KubeOverrides;
}

export interface ResolvedKube {
  /** client-node KubeConfig holding the merged entries, with the current context set. */
  kubeConfig: KubeConfig;
  contextName: string;
  /** The context's namespace, or 'default'. */
  namespace: string;
  /** The cluster's server URL (no trailing slash). */
  server: string;
  /**
   * The kubeconfig files that were read, in merge order (none when --server alone was enough, or with
   * the in-cluster configuration).
   */
  files: string[];
  /**
   * The proxy to reach the server through: the cluster's proxy-url, else HTTPS_PROXY / HTTP_PROXY unless
   * NO_PROXY excludes the server (proxy.ts). `from` names the source for messages.
   */
  proxy?: { url: string; from: string };
  /** The service account directory, when the in-cluster configuration was used. */
  inCluster?: string;
  /** --request-timeout: a limit for list/get requests (not for watches or log streams). */
  requestTimeoutMs?: number;
  /** Impersonate-User / Impersonate-Group (--as / --as-group, or the user's as / as-groups). */
  impersonate?: { user?: string; groups?: string[] };
  /** The environment exec credential plugins inherit (KubeconfigInput.env). */
  env?: Record<string, string | undefined>;
}

type Raw = Record<string, unknown>;

interface Named {
  name: string;
  body: Raw;
  file: string;
}

interface LoadedFile {
  file: string;
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  currentContext: string | undefined;
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads one file. Returns undefined when it does not exist and `missingOk`. */
async function readKubeconfig(file: string, missingOk: boolean): Promise<LoadedFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (missingOk) return undefined;
      throw new UserError(`kubeconfig file "${file}" does not exist`, 1);
    }
    throw new UserError(`cannot read kubeconfig "${file}": ${errorMessage(e)}`, 1);
  }
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (e) {
    const first = errorMessage(e).split('\n')[0] ?? '';
    throw new UserError(`kubeconfig "${file}" is not valid YAML: ${first}`, 1);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc))
    throw new UserError(`kubeconfig "${file}" is not valid: the top level must be a mapping`, 1);
  const clusters = namedList(doc, 'clusters', 'cluster', file);
  const users = namedList(doc, 'users', 'user', file);
  const contexts = namedList(doc, 'contexts', 'context', file);
  resolvePaths(clusters, users, dirname(file));
  return { file, clusters, users, contexts, currentContext: str(doc['current-context']) };
}

/** The entries of one of the kubeconfig's lists (`clusters`, ...); those without a name are skipped. */
function namedList(doc: Raw, key: string, inner: string, file: string): Named[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UserError(`kubeconfig "${file}" is not valid: "${key}" must be a list`, 1);
  const out: Named[] = [];
  for (const item of v) {
    if (!isObject(item)) continue;
    const name = str(item['name']);
    if (name === undefined) continue;
    const body = isObject(item[inner]) ? { ...(item[inner] as Raw) } : {};
    out.push({ name, body, file });
  }
  return out;
}

/** Relative paths in a kubeconfig are relative to the file that holds them (`dir`): made absolute here. */
function resolvePaths(clusters: Named[], users: Named[], dir: string): void {
  const abs = (body: Raw, key: string) => {
    const p = str(body[key]);
    if (p !== undefined && !isAbsolute(p)) body[key] = join(dir, p);
  };
  for (const c of clusters) abs(c.body, 'certificate-authority');
  for (const u of users) {
    abs(u.body, 'client-certificate');
    abs(u.body, 'client-key');
    abs(u.body, 'token-file');
    // An exec command is resolved only when it names a path (contains a separator), like client-go.
    const exec = u.body['exec'];
    if (isObject(exec)) {
      const cmd = str(exec['command']);
      if (cmd?.includes('/') && !isAbsolute(cmd)) {
        u.body['exec'] = { ...exec, command: join(dir, cmd) };
      }
    }
  }
}

/** The files to read, and whether a missing one is an error. */
function sources(input: KubeconfigInput): {
  files: string[];
  missingOk: boolean;
  from: 'flag' | 'env' | 'home';
} {
  if (input.kubeconfigFlag !== undefined && input.kubeconfigFlag !== '') {
    return { files: [resolve(input.kubeconfigFlag)], missingOk: false, from: 'flag' };
  }
  const env = input.env['KUBECONFIG'];
  if (env !== undefined && env !== '') {
    const seen = new Set<string>();
    const files: string[] = [];
    for (const p of env.split(':')) {
      if (p === '') continue;
      const f = resolve(p);
      if (seen.has(f)) continue;
      seen.add(f);
      files.push(f);
    }
    if (files.length > 0) return { files, missingOk: true, from: 'env' };
  }
  return { files: [join(input.homeDir, '.kube', 'config')], missingOk: true, from: 'home' };
}

function mergeByName(into: Map<string, Named>, items: Named[]): void {
  for (const it of items) if (!into.has(it.name)) into.set(it.name, it);
}

function toCluster(n: Named): Cluster {
  const b = n.body;
  return {
    name: n.name,
    server: (str(b['server']) ?? '').replace(/\/+$/, ''),
    caData: str(b['certificate-authority-data']),
    caFile: str(b['certificate-authority']),
    skipTLSVerify: b['insecure-skip-tls-verify'] === true,
    tlsServerName: str(b['tls-server-name']),
    proxyUrl: str(b['proxy-url']),
  };
}

function toUser(n: Named): User {
  const b = n.body;
  const token = str(b['token']);
  const tokenFile = str(b['token-file']);
  let authProvider = isObject(b['auth-provider']) ? b['auth-provider'] : undefined;
  // client-node reads `token-file` once, at load time, untrimmed. Hand it to its FileAuth instead,
  // which re-reads the file every minute (like client-go), so rotated tokens are picked up.
  if (token === undefined && tokenFile !== undefined && authProvider === undefined) {
    authProvider = { name: 'tokenFile', config: { tokenFile } };
  }
  return {
    name: n.name,
    certData: str(b['client-certificate-data']),
    certFile: str(b['client-certificate']),
    keyData: str(b['client-key-data']),
    keyFile: str(b['client-key']),
    exec: isObject(b['exec']) ? b['exec'] : undefined,
    authProvider,
    token,
    username: str(b['username']),
    password: str(b['password']),
    impersonateUser: str(b['as']),
  };
}

function toContext(n: Named): Context {
  return {
    name: n.name,
    cluster: str(n.body['cluster']) ?? '',
    user: str(n.body['user']) ?? '',
    namespace: str(n.body['namespace']),
  };
}

async function checkReadable(file: string | undefined, what: string): Promise<void> {
  if (file === undefined) return;
  try {
    await access(file, fsConstants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${what}: file "${file}" does not exist`, 1);
    throw new UserError(`${what}: cannot read "${file}": ${errorMessage(e)}`, 1);
  }
}

/** Name of the context, cluster or user made up from the flags when the kubeconfig has none. */
export const FROM_FLAGS = '(command-line flags)';

interface Merged {
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
  currentContext: string | undefined;
}

function merge(loaded: LoadedFile[]): Merged {
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined };
  for (const l of loaded) {
    mergeByName(m.clusters, l.clusters);
    mergeByName(m.users, l.users);
    mergeByName(m.contexts, l.contexts);
    m.currentContext ??= l.currentContext;
  }
  return m;
}

async function loadAll(
  input: KubeconfigInput,
): Promise<{ loaded: LoadedFile[]; src: ReturnType<typeof sources> }> {
  const src = sources(input);
  const loaded: LoadedFile[] = [];
  for (const f of src.files) {
    const l = await readKubeconfig(f, src.missingOk);
    if (l !== undefined) loaded.push(l);
  }
  return { loaded, src };
}

/** The context names of the kubeconfig (for shell completion), in file order. */
export async function listContexts(input: KubeconfigInput): Promise<string[]> {
  const { loaded } = await loadAll(input);
  return [...merge(loaded).contexts.keys()];
}

function serverUrl(cluster: Cluster, fromFlag: boolean, file: string): URL {
  const who = fromFlag ? '--server' : `cluster "${cluster.name}"`;
  if (cluster.server === '') throw new UserError(`cluster "${cluster.name}" has no server (${file})`, 1);
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new UserError(`${who} has an invalid server URL "${cluster.server}"`, fromFlag ? 2 : 1);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`${who} has an unsupported server URL "${cluster.server}"`, fromFlag ? 2 : 1);
  }
  return url;
}

/** The in-cluster configuration as a kubeconfig of one context, so that the flags apply on top of it. */
function inClusterFile(ic: InCluster): LoadedFile {
  const file = `in-cluster configuration (${ic.dir})`;
  const named = (body: Raw): Named => ({ name: IN_CLUSTER, body, file });
  return {
    file,
    clusters: [
      named({
        server: ic.server,
        ...(ic.caFile === undefined ? {} : { 'certificate-authority': ic.caFile }),
      }),
    ],
    users: [named({ 'token-file': ic.tokenFile })],
    contexts: [
      named({
        cluster: IN_CLUSTER,
        user: IN_CLUSTER,
        ...(ic.namespace === undefined ? {} : { namespace: ic.namespace }),
      }),
    ],
    currentContext: IN_CLUSTER,
  };
}

/** Replaces (or adds) the entry named `n.name`. */
function put(m: Map<string, Named>, n: Named): Named[] {
  return [...new Map(m).set(n.name, n).values()];
}

/**
 * The kubeconfig input → the context, cluster and user to use, as a client-node KubeConfig. The steps
 * run in this order, and so do their checks: when several things are wrong, the first one is reported.
 */
export async function resolveKubeconfig(input: KubeconfigInput): Promise<ResolvedKube> {
  const ov = normalizeOverrides(input.overrides);
  const { loaded, files, inCluster, where } = await loadSources(input, ov);
  const merged = merge(loaded);
  const ctx = pickContext(merged, input.contextFlag, ov, where);
  const clusterRaw = pickCluster(merged.clusters, ctx, ov, where);
  const cluster = toCluster(clusterRaw);
  const server = serverUrl(cluster, ov.server !== undefined, clusterRaw.file);
  const proxy = proxyOf(cluster, server, input.env);
  const userRaw = pickUser(merged.users, ctx.context, ov, where);
  const user = userRaw === undefined ? undefined : toUser(userRaw);
  const impersonate = impersonationOf(userRaw?.body);
  if (impersonate?.groups !== undefined && impersonate.user === undefined) {
    throw new UserError('--as-group needs --as: groups are impersonated together with a user', 2);
  }
  await checkFilesReadable(cluster, user, ov);
  return {
    kubeConfig: kubeConfigOf(merged, ctx.context, clusterRaw, userRaw),
    contextName: ctx.context.name,
    namespace: ctx.context.namespace ?? 'default',
    server: cluster.server,
    files,
    ...(inCluster === undefined ? {} : { inCluster: inCluster.dir }),
    ...(proxy === undefined ? {} : { proxy }),
    env: input.env,
    ...(ov.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: ov.requestTimeoutMs }),
    ...(impersonate === undefined ? {} : { impersonate }),
  };
}

/**
 * The kubeconfig files, else the in-cluster configuration, as entries to merge (none at all is fine
 * with --server). `files` are the kubeconfig files read, in merge order; `where` names the sources for
 * messages.
 */
async function loadSources(
  input: KubeconfigInput,
  ov: KubeOverrides,
): Promise<{ loaded: LoadedFile[]; files: string[]; inCluster: InCluster | undefined; where: string }> {
  const { loaded, src } = await loadAll(input);
  const files = loaded.map((l) => l.file);
  // Like kubectl: no kubeconfig file and no --server, but inside a pod: its service account.
  const inCluster =
    loaded.length === 0 && ov.server === undefined ? await inClusterConfig(input.env) : undefined;
  if (inCluster !== undefined) loaded.push(inClusterFile(inCluster));
  // Like `kubectl --server=... --token=...`, the flags alone are enough.
  if (loaded.length === 0 && ov.server === undefined) {
    const homeConfig = join(input.homeDir, '.kube', 'config');
    const tried = src.from === 'env' ? `none of the KUBECONFIG files exist (${src.files.join(', ')}); ` : '';
    throw new UserError(
      `no kubeconfig: ${tried}set --kubeconfig or KUBECONFIG, create ${homeConfig}, or run inside a cluster (${notInClusterReason(input.env)})`,
      1,
    );
  }
  const where =
    inCluster !== undefined
      ? `in-cluster configuration from ${inCluster.dir}`
      : files.length === 0
        ? 'no kubeconfig file was read'
        : files.map((f) => `"${f}"`).join(', ');
  return { loaded, files, inCluster, where };
}

/** The context to use, and the file that defines it (none when it is made up from the flags). */
interface PickedContext {
  context: Context;
  file: string | undefined;
}

/** --context, else the current context; with neither, --server or --cluster make one up from the flags. */
function pickContext(
  merged: Merged,
  contextFlag: string | undefined,
  ov: KubeOverrides,
  where: string,
): PickedContext {
  const contextName = contextFlag !== undefined && contextFlag !== '' ? contextFlag : merged.currentContext;
  if (contextName !== undefined) {
    const found = merged.contexts.get(contextName);
    if (found === undefined) {
      throw new UserError(`context "${contextName}" does not exist in the kubeconfig (${where})`, 1);
    }
    return { context: toContext(found), file: found.file };
  }
  if (ov.server === undefined && ov.cluster === undefined) {
    throw new UserError(
      `no context is set: use --context or set current-context in the kubeconfig (${where})`,
      1,
    );
  }
  return { context: { name: FROM_FLAGS, cluster: '', user: '' }, file: undefined };
}

/**
 * The cluster: --cluster, else the context's (with --server, none is fine: one is made up from the
 * flags); the flags then override its fields.
 */
function pickCluster(
  clusters: Map<string, Named>,
  ctx: PickedContext,
  ov: KubeOverrides,
  where: string,
): Named {
  const { context } = ctx;
  const clusterName = ov.cluster ?? context.cluster;
  let clusterRaw: Named;
  if (clusterName !== '') {
    const found = clusters.get(clusterName);
    if (found === undefined) {
      const by = ov.cluster !== undefined ? 'given by --cluster' : `named by context "${context.name}"`;
      throw new UserError(`cluster "${clusterName}" ${by} is not in the kubeconfig (${where})`, 1);
    }
    clusterRaw = found;
  } else if (ov.server !== undefined) {
    clusterRaw = { name: FROM_FLAGS, body: {}, file: '--server' };
  } else {
    throw new UserError(`context "${context.name}" has no cluster (${ctx.file ?? where})`, 1);
  }
  return { ...clusterRaw, body: overrideCluster(clusterRaw.body, ov) };
}

/**
 * The proxy to reach the server through: the cluster's proxy-url, else HTTPS_PROXY / HTTP_PROXY
 * unless NO_PROXY excludes the server. Its URL is checked here.
 */
function proxyOf(
  cluster: Cluster,
  server: URL,
  env: Record<string, string | undefined>,
): ResolvedKube['proxy'] {
  let proxy: ResolvedKube['proxy'];
  if (cluster.proxyUrl !== undefined) {
    proxy = { url: cluster.proxyUrl, from: `proxy-url of cluster "${cluster.name}"` };
  } else {
    const url = proxyFromEnv(cluster.server, env);
    if (url !== undefined)
      proxy = { url, from: server.protocol === 'https:' ? '$HTTPS_PROXY' : '$HTTP_PROXY' };
  }
  if (proxy !== undefined) checkProxyUrl(proxy.url, proxy.from);
  return proxy;
}

/**
 * The user: --user, else the context's (none is fine: anonymous, or client certificates; the user
 * flags alone make one up); the flags then override its fields.
 */
function pickUser(
  users: Map<string, Named>,
  ctx: Context,
  ov: KubeOverrides,
  where: string,
): Named | undefined {
  const userName = ov.user ?? ctx.user;
  let userRaw: Named | undefined;
  if (userName !== '') {
    userRaw = users.get(userName);
    if (userRaw === undefined) {
      const by = ov.user !== undefined ? 'given by --user' : `named by context "${ctx.name}"`;
      throw new UserError(`user "${userName}" ${by} is not in the kubeconfig (${where})`, 1);
    }
  } else if (hasUserOverrides(ov)) {
    userRaw = { name: FROM_FLAGS, body: {}, file: 'flags' };
  }
  return userRaw === undefined ? undefined : { ...userRaw, body: overrideUser(userRaw.body, ov) };
}

/**
 * The certificate, key and token files of the cluster and the user must be readable: otherwise one
 * line names the file and the flag or kubeconfig entry that gave it.
 */
async function checkFilesReadable(
  cluster: Cluster,
  user: User | undefined,
  ov: KubeOverrides,
): Promise<void> {
  const flagOr = (flag: string, given: unknown, what: string) => (given !== undefined ? flag : what);
  await checkReadable(
    cluster.caFile,
    flagOr(
      '--certificate-authority',
      ov.certificateAuthority,
      `certificate-authority of cluster "${cluster.name}"`,
    ),
  );
  if (user === undefined) return;
  await checkReadable(
    user.certFile,
    flagOr('--client-certificate', ov.clientCertificate, `client-certificate of user "${user.name}"`),
  );
  await checkReadable(
    user.keyFile,
    flagOr('--client-key', ov.clientKey, `client-key of user "${user.name}"`),
  );
  const tf = (user.authProvider as { config?: { tokenFile?: unknown } } | undefined)?.config?.tokenFile;
  await checkReadable(typeof tf === 'string' ? tf : undefined, `token-file of user "${user.name}"`);
}

/**
 * A client-node KubeConfig of every merged entry, with the picked cluster and user (flags applied) in
 * place of theirs, and the picked context, naming them, as the current one.
 */
function kubeConfigOf(
  merged: Merged,
  ctx: Context,
  clusterRaw: Named,
  userRaw: Named | undefined,
): KubeConfig {
  const { clusters, users, contexts } = merged;
  const effective: Context = {
    name: ctx.name,
    cluster: clusterRaw.name,
    user: userRaw?.name ?? '',
    ...(ctx.namespace === undefined ? {} : { namespace: ctx.namespace }),
  };
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: put(clusters, clusterRaw).map(toCluster),
    users: (userRaw === undefined ? [...users.values()] : put(users, userRaw)).map(toUser),
    contexts: [...[...contexts.values()].map(toContext).filter((c) => c.name !== ctx.name), effective],
    currentContext: ctx.name,
  });
  return kubeConfig;
}
