// Turning an API server error response into a KubeError: the Status message when the body is a
// metav1.Status, else "<code> <text>: <start of the body>" (proxies and load balancers send HTML).
import { STATUS_CODES } from 'node:http';
import type { Status } from '../core/kube-objects.ts';
import { MAX_DELAY_MS } from '../util/sleep.ts';
import { KubeError } from './api.ts';

const SNIPPET = 200;

/** The longest Retry-After kept, in seconds: what a node timer can wait (longer ones are this). */
const MAX_RETRY_AFTER_SECONDS = Math.floor(MAX_DELAY_MS / 1000);

/** A Retry-After in seconds as a finite number in [0, MAX_RETRY_AFTER_SECONDS], or undefined. */
function retrySeconds(v: unknown): number | undefined {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) return undefined;
  return Math.min(v, MAX_RETRY_AFTER_SECONDS);
}

export function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** Retry-After: delta-seconds or an HTTP date; at most MAX_RETRY_AFTER_SECONDS. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return retrySeconds(Number(v));
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return retrySeconds(Math.max(0, Math.ceil((t - now) / 1000)));
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
  // Only an HTTP status is a status: a Status with code 0, 4.5 or 1e400 keeps the response's.
  const code =
    typeof s.code === 'number' && Number.isInteger(s.code) && s.code >= 100 && s.code <= 599
      ? s.code
      : (httpStatus ?? 500);
  const reason = typeof s.reason === 'string' && s.reason !== '' ? s.reason : undefined;
  const message =
    typeof s.message === 'string' && s.message !== ''
      ? s.message
      : `${code} ${reason ?? STATUS_CODES[code] ?? 'Error'}`;
  const details: unknown = s.details;
  const retry =
    retryAfterSeconds ??
    (typeof details === 'object' && details !== null
      ? retrySeconds((details as { retryAfterSeconds?: unknown }).retryAfterSeconds)
      : undefined);
  return new KubeError(message, { status: code, reason, retryAfterSeconds: retry });
}
