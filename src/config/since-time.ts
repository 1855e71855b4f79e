// --since-time: an RFC3339 instant, sent to the API as `sinceTime`.

import { parseTimestampNs, toSinceTime } from '../core/rfc3339.ts';
import { UserError } from '../util/errors.ts';

/**
 * `2026-01-02T15:04:05Z`, `2026-01-02T15:04:05.5+09:00`, … → the same instant as RFC3339 UTC, e.g.
 * `2026-01-02T06:04:05Z`. The API takes whole seconds, so a fraction is dropped (rounded towards the
 * past: the lines of that second are included, none are missed).
 */
export function parseSinceTime(s: string): string {
  const ns = parseTimestampNs(s);
  if (ns === undefined) {
    throw new UserError(
      `invalid value "${s}" for --since-time: not an RFC3339 time (e.g. 2026-01-02T15:04:05Z)`,
      2,
    );
  }
  return toSinceTime(ns);
}
