// Turning an API server error response into a KubeError: the Status message when the body is a
// metav1.Status, else "<code> <text>: <start of the body>" (proxies and load balancers send HTML).
import { STATUS_CODES } from 'node:http';
import { KubeError } from './api.ts';
import type { Status } from './types.ts';

const SNIPPET = 200;

export function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** Retry-After: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now) / 1000));
}

/** The KubeError for an HTTP error response. */
export function errorFromResponse(
  status: number,
  body: Buffer | string,
  headers: { retryAfter?: string; statusText?: string } = {},
): KubeError {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const headerRetry = parseRetryAfter(headers.retryAfter);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) {
    return statusError(parsed, status, headerRetry);
  }
  const statusText = headers.statusText || STATUS_CODES[status] || 'Error';
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, SNIPPET);
  const message = snippet === '' ? `${status} ${statusText}` : `${status} ${statusText}: ${snippet}`;
  return new KubeError(message, { status, retryAfterSeconds: headerRetry });
}

/** The KubeError for a Status (an error response body, or the object of an ERROR watch event). */
export function statusError(s: Status, httpStatus?: number, retryAfterSeconds?: number): KubeError {
  const code = typeof s.code === 'number' && s.code > 0 ? s.code : (httpStatus ?? 500);
  const reason = typeof s.reason === 'string' && s.reason !== '' ? s.reason : undefined;
  const message =
    typeof s.message === 'string' && s.message !== ''
      ? s.message
      : `${code} ${reason ?? STATUS_CODES[code] ?? 'Error'}`;
  const retry =
    retryAfterSeconds ??
    (typeof s.details?.retryAfterSeconds === 'number' ? s.details.retryAfterSeconds : undefined);
  return new KubeError(message, { status: code, reason, retryAfterSeconds: retry });
}
