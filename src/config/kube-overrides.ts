// kubectl's connection flags (--server, --token, --certificate-authority, ...; stern §1.3) applied to
// the chosen kubeconfig entries the way client-go's DirectClientConfig merges its overrides: a flag
// replaces the entry's field, and a few flags also clear fields that would contradict them.
import { resolve } from 'node:path';
import { UserError } from '../util/errors.ts';
import type { KubeOverrides } from './config.ts';

type Raw = Record<string, unknown>;

/** The overrides with empty strings and empty lists dropped (`--token ""` means no token flag). */
export function normalizeOverrides(o: KubeOverrides | undefined): KubeOverrides {
  const out: KubeOverrides = {};
  for (const [k, v] of Object.entries(o ?? {}) as [keyof KubeOverrides, unknown][]) {
    if (v === undefined || v === '' || v === false) continue;
    if (Array.isArray(v) && v.filter((s) => s !== '').length === 0) continue;
    (out as Record<string, unknown>)[k] = Array.isArray(v) ? v.filter((s) => s !== '') : v;
  }
  if (out.insecureSkipTlsVerify && out.certificateAuthority !== undefined) {
    throw new UserError('--certificate-authority and --insecure-skip-tls-verify cannot be used together', 2);
  }
  return out;
}

/** `host:port` → `https://host:port` (an API server speaks TLS; give http:// explicitly otherwise). */
function withScheme(server: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
}

/** A copy of the cluster entry with the flags applied. */
export function overrideCluster(body: Raw, o: KubeOverrides): Raw {
  const b: Raw = { ...body };
  if (o.server !== undefined) b['server'] = withScheme(o.server);
  // An explicit CA or skip-verify replaces all of the entry's CA settings: otherwise the entry's CA
  // data would still win, or a CA and skip-verify would be set together.
  if (o.insecureSkipTlsVerify === true || o.certificateAuthority !== undefined) {
    b['insecure-skip-tls-verify'] = o.insecureSkipTlsVerify === true;
    delete b['certificate-authority-data'];
    if (o.certificateAuthority === undefined) delete b['certificate-authority'];
    else b['certificate-authority'] = resolve(o.certificateAuthority);
  }
  // The entry's tls-server-name was meant for the entry's server: --server drops it (client-go too).
  if (o.tlsServerName !== undefined) b['tls-server-name'] = o.tlsServerName;
  else if (o.server !== undefined) delete b['tls-server-name'];
  return b;
}

/** Whether the flags describe a user even when the context names none. */
export function hasUserOverrides(o: KubeOverrides): boolean {
  return (
    o.token !== undefined ||
    o.clientCertificate !== undefined ||
    o.clientKey !== undefined ||
    o.as !== undefined ||
    o.asGroups !== undefined
  );
}

/** A copy of the user entry with the flags applied. */
export function overrideUser(body: Raw, o: KubeOverrides): Raw {
  const b: Raw = { ...body };
  if (o.token !== undefined) {
    // A token on the command line is what the user means to authenticate with (client-go then
    // skips exec plugins too).
    b['token'] = o.token;
    for (const k of ['token-file', 'exec', 'auth-provider', 'username', 'password']) delete b[k];
  }
  if (o.clientCertificate !== undefined) {
    b['client-certificate'] = resolve(o.clientCertificate);
    delete b['client-certificate-data'];
  }
  if (o.clientKey !== undefined) {
    b['client-key'] = resolve(o.clientKey);
    delete b['client-key-data'];
  }
  if (o.as !== undefined) b['as'] = o.as;
  if (o.asGroups !== undefined) b['as-groups'] = [...o.asGroups];
  return b;
}

/** Impersonate-User / Impersonate-Group from a (merged) user entry. */
export function impersonationOf(body: Raw | undefined): { user?: string; groups?: string[] } | undefined {
  if (body === undefined) return undefined;
  const user = typeof body['as'] === 'string' && body['as'] !== '' ? body['as'] : undefined;
  const raw = body['as-groups'];
  const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string' && g !== '') : [];
  if (user === undefined && groups.length === 0) return undefined;
  return { ...(user === undefined ? {} : { user }), ...(groups.length === 0 ? {} : { groups }) };
}
