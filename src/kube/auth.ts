// Auth material for the transport, from a client-node KubeConfig: TLS options (CA, client cert/key,
// skip-verify, SNI name) and request headers (Authorization, Impersonate-User, Impersonate-Group).
//
// client-node 1.4.0 does the work (applyToHTTPSOptions runs exec plugins, reads token files, refreshes
// OIDC), but its exec cache only works when the plugin returns an expirationTimestamp (otherwise it
// spawns the plugin on every call), concurrent calls each spawn the plugin, and the cache cannot be
// cleared. So this layer caches the material itself: one load at a time, reused until the exec
// credential expires (or, without an expiry, until a 401 invalidates it), and for other users
// reloaded once a minute (token files and certificate files may rotate).
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import { bufferFromFileOrString, type Cluster, KubeConfig, type User } from '@kubernetes/client-node';
import { KubeError } from './api.ts';

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
  /** With a cluster proxy-url: client-node's proxy agent (HTTP/1.1 through the proxy). */
  proxyAgent?: Agent;
}

export interface AuthOptions {
  now?: () => number;
  /** How long non-exec material is reused before it is loaded again. */
  reloadMs?: number;
  /** --as / --as-group (ResolvedKube.impersonate): replaces client-node's Impersonate-User. */
  impersonate?: { user?: string; groups?: string[] } | undefined;
}

/** A copy of `kc` with fresh authenticators (client-node keeps exec/token-file caches inside them). */
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

function isExecUser(user: User | null): boolean {
  if (user === null) return false;
  if (user.exec) return true;
  const ap = user.authProvider as { name?: string; config?: { exec?: unknown } } | undefined;
  return ap?.name === 'exec' || ap?.config?.exec !== undefined;
}

/**
 * The expiry of the exec credential client-node just cached for `user`, read from its (private)
 * ExecAuth cache. undefined when there is none or the shape is not what 1.4.0 has.
 */
function execExpiry(kc: KubeConfig, user: User): number | undefined {
  const auths = (kc as unknown as { authenticators?: unknown }).authenticators;
  if (!Array.isArray(auths)) return undefined;
  for (const a of auths) {
    const cache = (a as { tokenCache?: Record<string, { status?: { expirationTimestamp?: string } } | null> })
      .tokenCache;
    if (cache === undefined || cache === null || typeof cache !== 'object') continue;
    const ts = cache[user.name]?.status?.expirationTimestamp;
    if (typeof ts !== 'string') return undefined;
    const t = Date.parse(ts);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function execCommand(user: User): string {
  const exec = (user.exec ??
    (user.authProvider as { config?: { exec?: unknown } } | undefined)?.config?.exec) as
    | { command?: string; installHint?: string }
    | undefined;
  return exec?.command ?? 'exec plugin';
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
  }

  /** The current material; loads it (once, shared by concurrent callers) when missing or expired. */
  get(): Promise<Credentials> {
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

  private async load(): Promise<Credentials> {
    const kc = this.kc;
    const user = kc.getCurrentUser();
    const cluster = kc.getCurrentCluster();
    const opts: RequestOptions = { headers: {} };
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // 1.4.0 refuses to build an agent for http:// servers without insecure-skip-tls-verify, after
      // it has filled in the options. kubectl talks plain HTTP to such servers (kubectl proxy), so do we.
      const httpRefused = cluster?.server.startsWith('http:') && /HTTP protocol is not allowed/.test(msg);
      if (!httpRefused) {
        const who = user === null ? '' : ` for user "${user.name}"`;
        const what = isExecUser(user) && user !== null ? `: ${execCommand(user)} failed` : '';
        throw new KubeError(`cannot get credentials${who}${what}: ${firstLine(msg) || 'unknown error'}`, {
          status: 0,
          code: (e as NodeJS.ErrnoException).code ?? 'ECREDENTIALS',
          cause: e,
        });
      }
    }
    const headers: Credentials['headers'] = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (v === undefined) continue;
      // Token files usually end with a newline, which is not allowed in a header value.
      headers[k] = (Array.isArray(v) ? v.join(', ') : String(v)).trim();
    }
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
    if (user !== null && isExecUser(user)) {
      this.expiresAt = execExpiry(kc, user) ?? Number.POSITIVE_INFINITY;
    } else {
      this.expiresAt = this.now() + this.reloadMs;
    }
    const creds: Credentials = { tls, headers, tlsKey };
    if (cluster?.proxyUrl) {
      // Built here, from the final material: the agent applyToHTTPSOptions made may lack some of it.
      const key = JSON.stringify([cluster.server, cluster.proxyUrl, tlsKey]);
      if (this.proxy?.key !== key) this.proxy = { key, agent: await proxyAgentFor(cluster, tls) };
      creds.proxyAgent = this.proxy.agent;
    }
    return creds;
  }
}
