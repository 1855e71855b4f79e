// Which proxy, if any, reaches the API server: the kubeconfig cluster's proxy-url, else (like kubectl,
// through Go's http.ProxyFromEnvironment) HTTPS_PROXY for an https server or HTTP_PROXY for an http one
// (upper case first, then lower case), unless NO_PROXY excludes the server. NO_PROXY is a comma-separated
// list of: `*` (no proxy at all), IP addresses, CIDR ranges (10.0.0.0/8), domain names (`example.com`
// matches it and its subdomains; `.example.com` and `*.example.com` only the subdomains), each optionally
// with `:port`. localhost and loopback addresses are never proxied (Go's rule).
import { BlockList, isIP } from 'node:net';
import { UserError } from '../util/errors.ts';

/** The proxy URL without its credentials, for messages: credentials must never be printed. */
export function proxyDisplay(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(an invalid proxy URL)';
  }
}

function env2(env: Record<string, string | undefined>, name: string): string | undefined {
  return env[name.toUpperCase()] || env[name.toLowerCase()] || undefined;
}

function defaultPort(u: URL): string {
  return u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
}

function ipType(ip: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(ip);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/** Whether NO_PROXY `list` excludes host:port (host without brackets, lower case). */
export function noProxyMatches(list: string, host: string, port: string): boolean {
  const hostType = ipType(host);
  for (const raw of list.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const slash = entry.indexOf('/');
    if (slash > 0) {
      const net = entry.slice(0, slash);
      const bits = Number(entry.slice(slash + 1));
      const t = ipType(net);
      if (t === undefined || hostType !== t || !Number.isInteger(bits)) continue;
      const bl = new BlockList();
      try {
        bl.addSubnet(net, bits, t);
      } catch {
        continue;
      }
      if (bl.check(host, t)) return true;
      continue;
    }
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (ipType(bare) !== undefined) {
      if (bare === host) return true;
      continue;
    }
    // host[:port], a domain
    let entryPort: string | undefined;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry);
    if (m?.[2] !== undefined) {
      entry = m[1] ?? '';
      entryPort = m[2];
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (ipType(entry.replace(/^\[(.*)\]$/, '$1')) !== undefined) {
      if (entry.replace(/^\[(.*)\]$/, '$1') === host && (entryPort === undefined || entryPort === port))
        return true;
      continue;
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

/** The proxy for `server` from the environment (HTTPS_PROXY / HTTP_PROXY / NO_PROXY), if any. */
export function proxyFromEnv(server: string, env: Record<string, string | undefined>): string | undefined {
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    return undefined;
  }
  const proxy = env2(env, u.protocol === 'https:' ? 'https_proxy' : 'http_proxy');
  if (proxy === undefined) return undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return undefined;
  const t = ipType(host);
  if (t !== undefined) {
    const loop = new BlockList();
    loop.addSubnet('127.0.0.0', 8, 'ipv4');
    loop.addAddress('::1', 'ipv6');
    if (loop.check(host, t)) return undefined;
  }
  const no = env2(env, 'no_proxy');
  if (no !== undefined && noProxyMatches(no, host, defaultPort(u))) return undefined;
  // Like Go: a proxy given without a scheme is http://.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** Checks a proxy URL (its scheme: http, https, socks5); `who` names where it came from. */
export function checkProxyUrl(url: string, who: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`${who} is not a valid proxy URL`, 1);
  }
  if (!['http:', 'https:', 'socks5:', 'socks5h:', 'socks:', 'socks4:'].includes(u.protocol)) {
    throw new UserError(
      `${who} has an unsupported proxy scheme "${u.protocol.replace(/:$/, '')}" (${proxyDisplay(url)}): use http, https or socks5`,
      1,
    );
  }
}
