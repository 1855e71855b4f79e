// Kubeconfig resolution, the way kubectl does it: --kubeconfig, else the KUBECONFIG path list (merged,
// first definition of a name wins), else ~/.kube/config. Every failure is one UserError line naming the
// file or context. The result carries a @kubernetes/client-node KubeConfig, which supplies the auth
// material (certificates, tokens, exec plugins) to the transport.
import { constants as fsConstants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { UserError } from '../errors.ts';

export interface KubeconfigInput {
  /** --kubeconfig (wins over KUBECONFIG). */
  kubeconfigFlag?: string;
  /** --context */
  contextFlag?: string;
  /** The environment; only KUBECONFIG is read. */
  env: Record<string, string | undefined>;
  homeDir: string;
}

export interface ResolvedKube {
  /** client-node KubeConfig holding the merged entries, with the current context set. */
  kubeConfig: KubeConfig;
  contextName: string;
  /** The context's namespace, or 'default'. */
  namespace: string;
  /** The cluster's server URL (no trailing slash). */
  server: string;
  /** The kubeconfig files that were read, in merge order. */
  files: string[];
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

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
    throw new UserError(`cannot read kubeconfig "${file}": ${errMessage(e)}`, 1);
  }
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (e) {
    const first = errMessage(e).split('\n')[0] ?? '';
    throw new UserError(`kubeconfig "${file}" is not valid YAML: ${first}`, 1);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc))
    throw new UserError(`kubeconfig "${file}" is not valid: the top level must be a mapping`, 1);
  const dir = dirname(file);
  const list = (key: string, inner: string): Named[] => {
    const v = doc[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v))
      throw new UserError(`kubeconfig "${file}" is not valid: "${key}" must be a list`, 1);
    const out: Named[] = [];
    for (const item of v) {
      if (!isObject(item)) continue;
      const name = str(item['name']);
      if (name === undefined) continue;
      const body = isObject(item[inner]) ? { ...(item[inner] as Raw) } : {};
      out.push({ name, body, file });
    }
    return out;
  };
  const clusters = list('clusters', 'cluster');
  const users = list('users', 'user');
  const contexts = list('contexts', 'context');
  // Relative paths in a kubeconfig are relative to the file that holds them.
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
  return { file, clusters, users, contexts, currentContext: str(doc['current-context']) };
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

/**
 * client-go tells exec plugins about the request in KUBERNETES_EXEC_INFO (some plugins require it);
 * client-node does not, but passes `exec.env` through, so add it there.
 */
function withExecInfo(exec: Raw): Raw {
  const apiVersion = str(exec['apiVersion']);
  if (apiVersion === undefined) return exec;
  const env = Array.isArray(exec['env']) ? (exec['env'] as unknown[]) : [];
  if (env.some((e) => isObject(e) && e['name'] === 'KUBERNETES_EXEC_INFO')) return exec;
  const info = JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });
  return { ...exec, env: [...env, { name: 'KUBERNETES_EXEC_INFO', value: info }] };
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
    exec: isObject(b['exec']) ? withExecInfo(b['exec']) : undefined,
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
    throw new UserError(`${what}: cannot read "${file}": ${errMessage(e)}`, 1);
  }
}

export async function resolveKubeconfig(input: KubeconfigInput): Promise<ResolvedKube> {
  const src = sources(input);
  const loaded: LoadedFile[] = [];
  for (const f of src.files) {
    const l = await readKubeconfig(f, src.missingOk);
    if (l !== undefined) loaded.push(l);
  }
  const homeConfig = join(input.homeDir, '.kube', 'config');
  if (loaded.length === 0) {
    const tried = src.from === 'env' ? `none of the KUBECONFIG files exist (${src.files.join(', ')}); ` : '';
    throw new UserError(`no kubeconfig: ${tried}set --kubeconfig or KUBECONFIG, or create ${homeConfig}`, 1);
  }
  const files = loaded.map((l) => l.file);
  const where = files.length === 1 ? `"${files[0]}"` : `${files.map((f) => `"${f}"`).join(', ')}`;

  const clusters = new Map<string, Named>();
  const users = new Map<string, Named>();
  const contexts = new Map<string, Named>();
  let currentContext: string | undefined;
  for (const l of loaded) {
    mergeByName(clusters, l.clusters);
    mergeByName(users, l.users);
    mergeByName(contexts, l.contexts);
    currentContext ??= l.currentContext;
  }

  const contextName =
    input.contextFlag !== undefined && input.contextFlag !== '' ? input.contextFlag : currentContext;
  if (contextName === undefined) {
    throw new UserError(
      `no context is set: use --context or set current-context in the kubeconfig (${where})`,
      1,
    );
  }
  const ctxRaw = contexts.get(contextName);
  if (ctxRaw === undefined) {
    throw new UserError(`context "${contextName}" does not exist in the kubeconfig (${where})`, 1);
  }
  const ctx = toContext(ctxRaw);
  if (ctx.cluster === '') throw new UserError(`context "${contextName}" has no cluster (${ctxRaw.file})`, 1);
  const clusterRaw = clusters.get(ctx.cluster);
  if (clusterRaw === undefined) {
    throw new UserError(
      `cluster "${ctx.cluster}" named by context "${contextName}" is not in the kubeconfig (${where})`,
      1,
    );
  }
  const cluster = toCluster(clusterRaw);
  if (cluster.server === '')
    throw new UserError(`cluster "${cluster.name}" has no server (${clusterRaw.file})`, 1);
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new UserError(`cluster "${cluster.name}" has an invalid server URL "${cluster.server}"`, 1);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`cluster "${cluster.name}" has an unsupported server URL "${cluster.server}"`, 1);
  }
  let user: User | undefined;
  if (ctx.user !== '') {
    const userRaw = users.get(ctx.user);
    if (userRaw === undefined) {
      throw new UserError(
        `user "${ctx.user}" named by context "${contextName}" is not in the kubeconfig (${where})`,
        1,
      );
    }
    user = toUser(userRaw);
  }

  await checkReadable(cluster.caFile, `certificate-authority of cluster "${cluster.name}"`);
  if (user !== undefined) {
    await checkReadable(user.certFile, `client-certificate of user "${user.name}"`);
    await checkReadable(user.keyFile, `client-key of user "${user.name}"`);
    const tf = (user.authProvider as { config?: { tokenFile?: unknown } } | undefined)?.config?.tokenFile;
    await checkReadable(typeof tf === 'string' ? tf : undefined, `token-file of user "${user.name}"`);
  }

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [...clusters.values()].map(toCluster),
    users: [...users.values()].map(toUser),
    contexts: [...contexts.values()].map(toContext),
    currentContext: contextName,
  });
  return {
    kubeConfig,
    contextName,
    namespace: ctx.namespace ?? 'default',
    server: cluster.server,
    files,
  };
}
