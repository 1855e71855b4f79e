/**
 * Polls `pred` every few ms until it is true; rejects with `what` after `timeoutMs` (a function is called
 * then, so the message shows the state at the timeout).
 */
export async function until(
  pred: () => boolean,
  what: string | (() => string),
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
