// Hostile mode: answers a real API server (or a broken proxy in front of it) could send, to test that the
// client survives them. Set with `srv.hostile({...})`; every option is off when unset.
import type { Exchange } from './http.ts';
import type { ServerState } from './state.ts';
import { status } from './status.ts';

export interface HostileOptions {
  /** Every request is answered with this redirect (e.g. 302) and `Location`, before auth. */
  redirect?: { status: number; location: string };
  /**
   * Pod list, watch and log requests get 429 TooManyRequests. `retryAfter` is the raw `Retry-After`
   * header value (omitted when unset); `retryAfterSeconds` goes into the Status details; `on` limits it
   * to some kinds of request (default: all three).
   */
  tooManyRequests?: { retryAfter?: string; retryAfterSeconds?: number; on?: ('list' | 'watch' | 'log')[] };
  /** Pod lists carry this `continue` token on every page, whatever the request asked for. */
  repeatContinue?: string;
  /** Pod lists carry a new `continue` token on every page (`more-1`, `more-2`, …): the list never ends. */
  continueForever?: boolean;
  /** Pod lists: these raw items come first, before the real pods. */
  extraItems?: unknown[];
  /** Pod list bodies are padded (a top-level field no client reads) to at least this many bytes. */
  listPadBytes?: number;
  /** Watches: these raw lines (each followed by '\n') come first, then the normal watch stream. */
  watchLines?: string[];
  /** Watches: this many bytes of a line that never ends (no '\n'), then the stream is held open. */
  watchEndlessLine?: number;
}

let continued = 0;

type PodRequest = { kind: 'list' | 'watch'; namespace: string | undefined } | { kind: 'log' } | undefined;

function podRequest(ex: Exchange): PodRequest {
  const parts = ex.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'api' || parts[1] !== 'v1') return undefined;
  let rest = parts.slice(2);
  let watch = ['1', 'true'].includes(ex.query.get('watch') ?? '');
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest[0] !== 'pods') return undefined;
  if (rest.length === 3 && rest[2] === 'log') return { kind: 'log' };
  if (rest.length !== 1) return undefined;
  return { kind: watch ? 'watch' : 'list', namespace };
}

/**
 * Answers `ex` the hostile way when an option applies (true), or returns false for the normal handler.
 * `watchLines` writes its lines and returns false: the normal watch stream follows on the same response.
 */
export function answerHostile(h: HostileOptions, st: ServerState, ex: Exchange): boolean {
  if (h.redirect !== undefined) {
    ex.writeHead(h.redirect.status, { location: h.redirect.location, 'content-type': 'text/html' });
    ex.res.end(`<a href="${h.redirect.location}">Moved</a>.\n`);
    return true;
  }
  const req = podRequest(ex);
  if (req === undefined) return false;
  const t = h.tooManyRequests;
  if (t !== undefined && (t.on === undefined || t.on.includes(req.kind))) {
    const body = Buffer.from(
      JSON.stringify(
        status(
          429,
          'TooManyRequests',
          'Too many requests, please try again later.',
          t.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: t.retryAfterSeconds },
        ),
      ),
    );
    ex.writeHead(429, {
      'content-type': 'application/json',
      'content-length': body.length,
      ...(t.retryAfter === undefined ? {} : { 'retry-after': t.retryAfter }),
    });
    ex.res.end(body);
    return true;
  }
  if (req.kind === 'list') {
    if (
      h.repeatContinue === undefined &&
      !h.continueForever &&
      h.extraItems === undefined &&
      h.listPadBytes === undefined
    ) {
      return false;
    }
    const pods = st.store
      .list()
      .filter((p) => req.namespace === undefined || p.metadata.namespace === req.namespace)
      .map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    const metadata: Record<string, unknown> = { resourceVersion: String(st.store.rv) };
    if (h.repeatContinue !== undefined) metadata['continue'] = h.repeatContinue;
    if (h.continueForever) metadata['continue'] = `more-${++continued}`;
    const list: Record<string, unknown> = {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata,
      items: [...(h.extraItems ?? []), ...pods],
    };
    if (h.listPadBytes !== undefined) list['padding'] = 'x'.repeat(h.listPadBytes);
    ex.json(200, list);
    return true;
  }
  if (req.kind === 'watch') {
    if (h.watchEndlessLine !== undefined) {
      ex.writeHead(200, { 'content-type': 'application/json' });
      writeEndless(ex, h.watchEndlessLine);
      return true;
    }
    if (h.watchLines !== undefined) {
      ex.writeHead(200, { 'content-type': 'application/json' });
      for (const l of h.watchLines) ex.write(`${l}\n`);
      // The normal handler goes on with the same response: its head is already sent.
      ex.writeHead = () => {};
      return false;
    }
  }
  return false;
}

/** Writes `total` bytes of '{"type":"ADDED","object":{"x":"xxxx…' honouring backpressure, never a '\n'. */
function writeEndless(ex: Exchange, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  const head = Buffer.from('{"type":"ADDED","object":{"x":"');
  ex.write(head);
  sent += head.length;
  const pump = () => {
    while (sent < total && !ex.closed) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (!ex.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        ex.onDrain(pump);
        return;
      }
    }
  };
  pump();
}
