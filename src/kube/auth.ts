// Auth material for the transport, from a client-node KubeConfig: TLS options (CA, client cert/key,
// skip-verify, SNI name) and request headers (Authorization, Impersonate-User, Impersonate-Group).
//
// client-node 1.4.0 does most of the work (applyToHTTPSOptions reads certificates and token files,
// refreshes OIDC). Exec credential plugins are run here instead (exec-plugin.ts): client-node's
// ExecAuth leaves the plugin's stdin open, has no time limit, cannot stop a plugin when kstern exits,
// quotes a non-JSON answer in its error, runs the plugin on every call when the credential has no
// expirationTimestamp, and cannot have its cache cleared. This layer caches the material itself: one
// load at a time, reused until the exec credential expires (or, without an expiry, until a 401
// invalidates it), and for other users reloaded once a minute (token files and certificates rotate).
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import { isatty } from 'node:tty';
import { bufferFromFileOrString, type Cluster, KubeConfig, type User } from '@kubernetes/client-node';
import { errorMessage } from '../util/errors.ts';
import { KubeError } from './api.ts';
import { type ExecConfig, type ExecCredential, ExecPluginError, runExecPlugin } from './exec-plugin.ts';

export interface TlsMaterial {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: string | Buffer;
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface Credentials {
  tls: TlsMaterial;
  /** A list is sent as one header line per value (Impersonate-Group). */
  headers: Record<string, string | string[]>;
  /** Identifies the TLS material: connections made with another key must not be reused. */
  tlsKey: string;
  /** With a SOCKS proxy-url: client-node's proxy agent (HTTP/1.1 through the proxy). */
  proxyAgent?: Agent;
}

export interface AuthOptions {
  now?: () => number;
  /** How long non-exec material is reused before it is loaded again. */
  reloadMs?: number;
  /** --as / --as-group (ResolvedKube.impersonate): replaces client-node's Impersonate-User. */
  impersonate?: { user?: string; groups?: string[] } | undefined;
  /**
   * Most time an exec plugin may take before it is killed. Default 5 minutes: longer than a browser
   * or device-code login takes (kubelogin itself gives up after 3 minutes), short enough that an
   * unattended run with a stuck plugin fails instead of waiting forever.
   */
  execTimeoutMs?: number;
  /** The environment exec plugins inherit (ResolvedKube.env). Default: none. */
  env?: Record<string, string | undefined> | undefined;
  /** Whether standard input is a terminal, for interactive exec plugins. Default: isatty(0). */
  stdinIsTTY?: boolean;
  /** Receives exec plugins' stderr. Default: the plugin writes to kstern's stderr directly. */
  execStderr?: (chunk: Buffer) => void;
}

/** See AuthOptions.execTimeoutMs. */
export const DEFAULT_EXEC_TIMEOUT_MS = 5 * 60_000;

/** A copy of `kc` with fresh authenticators (client-node keeps its token-file cache inside them). */
function cloneKubeConfig(kc: KubeConfig): KubeConfig {
  const fresh = new KubeConfig();
  fresh.loadFromOptions({
    clusters: kc.getClusters(),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return fresh;
}

/** The user's exec plugin config (`exec`, or the older `auth-provider` form), if it has one. */
function execConfigOf(user: User | null): ExecConfig | undefined {
  if (user === null) return undefined;
  if (user.exec) return user.exec as ExecConfig;
  const ap = user.authProvider as { name?: string; config?: { exec?: unknown } } | undefined;
  const exec = ap?.config?.exec;
  return typeof exec === 'object' && exec !== null ? (exec as ExecConfig) : undefined;
}

/** `kc` with the exec plugin taken off `user`: client-node then supplies everything else. */
function withoutExec(kc: KubeConfig, user: User): KubeConfig {
  const { exec: _exec, authProvider, ...rest } = user;
  const ap = authProvider as { name?: string; config?: { exec?: unknown } } | undefined;
  const keepProvider = ap !== undefined && ap.name !== 'exec' && ap.config?.exec === undefined;
  const bare: User = keepProvider ? { ...rest, authProvider } : rest;
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: kc.getClusters(),
    users: kc.getUsers().map((u) => (u.name === user.name ? bare : u)),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return out;
}

/**
 * client-node's agent for a cluster with a proxy-url (CONNECT tunnel, or SOCKS), carrying exactly `tls`.
 * applyToHTTPSOptions builds its agent from the options it filled in itself, which have none of the
 * cluster's TLS settings when the context has no user; so the agent is made from a kubeconfig that
 * holds the final material as a cluster and a user of its own.
 */
async function proxyAgentFor(cluster: Cluster, tls: TlsMaterial): Promise<Agent> {
  const b64 = (v: string | Buffer | undefined) =>
    v === undefined ? undefined : Buffer.from(v).toString('base64');
  const ca = b64(tls.ca);
  const cert = b64(tls.cert);
  const key = b64(tls.key);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'proxied',
        server: cluster.server,
        skipTLSVerify: tls.rejectUnauthorized === false,
        ...(cluster.proxyUrl === undefined ? {} : { proxyUrl: cluster.proxyUrl }),
        ...(ca === undefined ? {} : { caData: ca }),
        ...(tls.servername === undefined ? {} : { tlsServerName: tls.servername }),
      },
    ],
    users: [
      {
        name: 'tls',
        ...(cert === undefined ? {} : { certData: cert }),
        ...(key === undefined ? {} : { keyData: key }),
      },
    ],
    contexts: [{ name: 'proxied', cluster: 'proxied', user: 'tls' }],
    currentContext: 'proxied',
  });
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts.agent as Agent;
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

export class KubeAuth {
  private kc: KubeConfig;
  private readonly now: () => number;
  private readonly reloadMs: number;
  private readonly impersonate: AuthOptions['impersonate'];
  private readonly execTimeoutMs: number;
  private readonly env: Record<string, string | undefined>;
  private readonly stdinIsTTY: boolean;
  private readonly execStderr: AuthOptions['execStderr'];
  /** Aborted by close(): kills a running exec plugin. */
  private readonly closing = new AbortController();
  private cached: Promise<Credentials> | undefined;
  private expiresAt = 0;
  private generation = 0;
  /** The proxy agent of the last load, reused while the TLS material stays the same. */
  private proxy: { key: string; agent: Agent } | undefined;

  constructor(kc: KubeConfig, opts: AuthOptions = {}) {
    this.kc = kc;
    this.now = opts.now ?? Date.now;
    this.reloadMs = opts.reloadMs ?? 60_000;
    this.impersonate = opts.impersonate;
    this.execTimeoutMs = opts.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    this.env = opts.env ?? {};
    this.stdinIsTTY = opts.stdinIsTTY ?? isatty(0);
    this.execStderr = opts.execStderr;
  }

  /** The current material; loads it (once, shared by concurrent callers) when missing or expired. */
  get(): Promise<Credentials> {
    if (this.closing.signal.aborted) {
      return Promise.reject(new KubeError('cannot get credentials: kstern is exiting', { status: 0 }));
    }
    if (this.cached === undefined || this.now() >= this.expiresAt) {
      const gen = ++this.generation;
      const p = this.load();
      this.cached = p;
      this.expiresAt = Number.POSITIVE_INFINITY; // until load() sets the real one
      p.catch(() => {
        // A failed load is not cached: the next request tries again.
        if (this.generation === gen) this.cached = undefined;
      });
    }
    return this.cached;
  }

  /** Forget the material (after a 401): the next get() runs exec plugins and reads files again. */
  invalidate(): void {
    this.kc = cloneKubeConfig(this.kc);
    this.cached = undefined;
    this.generation++;
  }

  /** Kills a running exec plugin (a pending get() then fails) and closes the proxy agent. */
  close(): void {
    this.closing.abort();
    this.proxy?.agent.destroy();
    this.proxy = undefined;
  }

  /** Runs the user's exec plugin; its failures become one-line KubeErrors naming the user. */
  private async execCredential(
    exec: ExecConfig,
    user: User,
    cluster: Cluster | null,
  ): Promise<ExecCredential> {
    try {
      return await runExecPlugin(exec, {
        env: this.env,
        stdinIsTTY: this.stdinIsTTY,
        timeoutMs: this.execTimeoutMs,
        signal: this.closing.signal,
        stderr: this.execStderr,
        cluster,
      });
    } catch (e) {
      const msg = errorMessage(e);
      throw new KubeError(`cannot get credentials for user "${user.name}": ${msg}`, {
        status: 0,
        code: e instanceof ExecPluginError ? e.code : 'ECREDENTIALS',
      });
    }
  }

  private async load(): Promise<Credentials> {
    let kc = this.kc;
    const user = kc.getCurrentUser();
    const cluster = kc.getCurrentCluster();
    const exec = execConfigOf(user);
    let cred: ExecCredential | undefined;
    if (exec !== undefined && user !== null) {
      cred = await this.execCredential(exec, user, cluster);
      kc = withoutExec(kc, user);
    }
    const opts: RequestOptions = { headers: {} };
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (e) {
      const msg = errorMessage(e);
      // 1.4.0 refuses to build an agent for http:// servers without insecure-skip-tls-verify, after
      // it has filled in the options. kubectl talks plain HTTP to such servers (kubectl proxy), so do we.
      const httpRefused = cluster?.server.startsWith('http:') && /HTTP protocol is not allowed/.test(msg);
      if (!httpRefused) {
        const who = user === null ? '' : ` for user "${user.name}"`;
        throw new KubeError(`cannot get credentials${who}: ${firstLine(msg) || 'unknown error'}`, {
          status: 0,
          code: (e as NodeJS.ErrnoException).code ?? 'ECREDENTIALS',
          cause: e,
        });
      }
    }
    if (cred !== undefined) {
      // Like client-node's ExecAuth: the plugin's certificate replaces the user's; a token in the
      // kubeconfig wins over the plugin's.
      if (cred.cert !== undefined) opts.cert = cred.cert;
      if (cred.key !== undefined) opts.key = cred.key;
    }
    const headers: Credentials['headers'] = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (v === undefined) continue;
      // Token files usually end with a newline, which is not allowed in a header value.
      headers[k] = (Array.isArray(v) ? v.join(', ') : String(v)).trim();
    }
    if (cred?.token !== undefined) headers['Authorization'] ??= `Bearer ${cred.token}`;
    const imp = this.impersonate;
    if (imp?.user !== undefined) headers['Impersonate-User'] = imp.user;
    if (imp?.groups !== undefined && imp.groups.length > 0) headers['Impersonate-Group'] = [...imp.groups];
    if (typeof opts.auth === 'string' && headers['Authorization'] === undefined) {
      headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    }
    const tls: TlsMaterial = {};
    if (opts.ca !== undefined) tls.ca = opts.ca as string | Buffer;
    if (opts.cert !== undefined) tls.cert = opts.cert as string | Buffer;
    if (opts.key !== undefined) tls.key = opts.key as string | Buffer;
    if (opts.pfx !== undefined) tls.pfx = opts.pfx as string | Buffer;
    if (opts.passphrase !== undefined) tls.passphrase = opts.passphrase;
    if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
    if (opts.servername !== undefined) tls.servername = opts.servername;
    // applyToHTTPSOptions does not set these when the user is missing (anonymous access).
    if (user === null && cluster !== null) {
      if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
      if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
      const ca = bufferFromFileOrString(cluster.caFile, cluster.caData);
      if (ca) tls.ca = ca;
    }
    const tlsKey = JSON.stringify([
      tls.ca?.toString() ?? '',
      tls.cert?.toString() ?? '',
      tls.key?.toString() ?? '',
      tls.pfx?.toString('base64') ?? '',
      tls.rejectUnauthorized ?? true,
      tls.servername ?? '',
    ]);
    if (cred !== undefined) {
      this.expiresAt = cred.expiresAt ?? Number.POSITIVE_INFINITY;
    } else {
      this.expiresAt = this.now() + this.reloadMs;
    }
    const creds: Credentials = { tls, headers, tlsKey };
    // HTTP(S) proxies are tunnelled by the transport itself (HTTP/2 through CONNECT); SOCKS goes
    // through client-node's agent (HTTP/1.1).
    if (cluster?.proxyUrl && /^socks/i.test(cluster.proxyUrl)) {
      // Built here, from the final material: the agent applyToHTTPSOptions made may lack some of it.
      const key = JSON.stringify([cluster.server, cluster.proxyUrl, tlsKey]);
      if (this.proxy?.key !== key) this.proxy = { key, agent: await proxyAgentFor(cluster, tls) };
      creds.proxyAgent = this.proxy.agent;
    }
    return creds;
  }
}
