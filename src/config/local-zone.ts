// What `Local` means for a run (--timezone Local, templates' time functions), read once at the edge
// from the environment, as Go's time package reads TZ: unset → the system's zone; '' → UTC;
// a leading ':' is dropped.
export function localZoneFrom(env: Record<string, string | undefined>): string {
  const tz = env['TZ'];
  if (tz === undefined) return Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (tz === '') return 'UTC';
  return tz.replace(/^:/, '');
}
