// What a run says about how it went, as pure functions: the "nothing matched" line and the summary line
// (table-tested in test/unit/outcome.test.ts).

/** What was searched when no pod matched. */
export interface Search {
  /** The pod query as typed (regex or `<kind>/<name>`); undefined when only selectors were given. */
  query: string | undefined;
  /** The label selectors of a workload query (its pods' selector), if any. */
  workloadSelectors: readonly string[];
  /** The namespaces searched; undefined stands for all of them (-A). */
  namespaces: readonly (string | undefined)[];
  /** Namespaces among them that do not exist. */
  missingNamespaces: readonly string[];
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  /** Pods the server returned for the selectors (before the query and --exclude-pod). */
  looked: number;
  /** --wait, when the run waited for a pod. */
  waitedMs?: number | undefined;
}

const q = (s: string) => JSON.stringify(s);

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A duration for messages: 30s, 2m, 1m30s, 1500ms. */
export function humanMs(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest === 0 ? `${m}m` : `${m}m${rest}s`;
}

/** The text of the note that nothing matched: what was searched, where, and how many pods were looked at. */
export function nothingMatchedLine(s: Search): string {
  const parts: string[] = [];
  if (s.query !== undefined) {
    const sel = s.workloadSelectors.filter((x) => x !== '');
    parts.push(
      `query ${q(s.query)}${sel.length > 0 ? ` (pods with ${sel.map((x) => `labels ${q(x)}`).join(' or ')})` : ''}`,
    );
  }
  if (s.labelSelector) parts.push(`label selector ${q(s.labelSelector)}`);
  if (s.fieldSelector) parts.push(`field selector ${q(s.fieldSelector)}`);
  const missing = new Set(s.missingNamespaces);
  const ns = (n: string) => `${q(n)}${missing.has(n) ? ' (no such namespace)' : ''}`;
  if (s.namespaces.includes(undefined)) parts.push('in all namespaces');
  else {
    const named = s.namespaces as readonly string[];
    parts.push(`in ${named.length === 1 ? 'namespace' : 'namespaces'} ${named.map(ns).join(', ')}`);
  }
  const waited = s.waitedMs === undefined ? '' : ` after waiting ${humanMs(s.waitedMs)}`;
  return `no pod matched ${parts.join(', ')}${waited} (${plural(s.looked, 'pod')} looked at)`;
}

/** An ended container instance, as the statuses told it. */
export interface ExitSeen {
  pod: string;
  container: string;
  exitCode: number;
}

export interface Summary {
  /** Containers tailed (a restart is the same container). */
  containers: number;
  /** Log lines printed. */
  lines: number;
  /** Streams that could not be read to their end. */
  failedStreams: number;
  /** --no-follow: containers that wait to start (nothing to read). */
  waitingToStart?: number;
  exits: readonly ExitSeen[];
  /** For a Job query under --until: `job/<name> <Complete|Failed|…>`. */
  job?: string | undefined;
}

/** Exit codes listed one by one up to this many; beyond it they are counted by code. */
const MAX_LISTED = 8;

/** The text of the end-of-run note: containers, lines, failed streams, exit codes seen. */
export function summaryLine(s: Summary): string {
  const parts = [
    plural(s.containers, 'container'),
    plural(s.lines, 'line'),
    plural(s.failedStreams, 'failed stream'),
  ];
  if (s.waitingToStart) parts.push(`${s.waitingToStart} waiting to start`);
  let exits = '';
  if (s.exits.length > 0 && s.exits.length <= MAX_LISTED) {
    exits = `; exit codes: ${s.exits.map((e) => `${e.pod}/${e.container} ${e.exitCode}`).join(', ')}`;
  } else if (s.exits.length > 0) {
    const byCode = new Map<number, number>();
    for (const e of s.exits) byCode.set(e.exitCode, (byCode.get(e.exitCode) ?? 0) + 1);
    const counted = [...byCode].sort(([a], [b]) => a - b).map(([code, n]) => `${code} ×${n}`);
    const bad = s.exits.filter((e) => e.exitCode !== 0).slice(0, MAX_LISTED);
    exits = `; exit codes: ${counted.join(', ')}${bad.length > 0 ? ` (non-zero: ${bad.map((e) => `${e.pod}/${e.container} ${e.exitCode}`).join(', ')}${s.exits.filter((e) => e.exitCode !== 0).length > bad.length ? ', …' : ''})` : ''}`;
  }
  return `${parts.join(', ')}${exits}${s.job ? `; ${s.job}` : ''}`;
}
