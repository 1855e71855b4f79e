#!/usr/bin/env node
// The only place that touches `process`: hands the real world to main() and exits with its code.
import { homedir } from 'node:os';
import { main, SIGNAL_EXIT } from '../dist/kstern.js';

const controller = new AbortController();
for (const sig of Object.keys(SIGNAL_EXIT)) {
  process.on(sig, () => {
    // A second signal while shutting down means "now".
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT[sig]);
    controller.abort(sig);
  });
}
// A closed stderr (EPIPE) must not kill the run with an unhandled 'error' event.
process.stderr.on('error', () => {});

const code = await main(process.argv.slice(2), {
  // Only touched (and so only opened) by --stdin and --prompt.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  homeDir: homedir(),
  signal: controller.signal,
});
process.exit(code);
