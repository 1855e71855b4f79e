#!/usr/bin/env node
// The only place that touches `process`: hands the real world to main() and exits with its code.
import module from 'node:module';
import { homedir } from 'node:os';
import { basename } from 'node:path';

// Node >= 22.1 can cache the bundle's compiled code on disk (in the OS temp folder, or
// $NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), which makes every later start
// faster. Node 20 has no such function and loads as before. It must run before the bundle is imported.
try {
  module.enableCompileCache?.();
} catch {
  // A cache that cannot be set up only costs speed.
}
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // The version alone needs none of the bundle, whose compilation is most of a start-up on Node 20:
  // the build takes the bundle's version from package.json too, and the output is main()'s.
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`version: ${pkg.version}\nnode: ${process.version}\n`);
  process.exit(0);
} else {
  await runMain();
}

async function runMain() {
  const { main, SIGNAL_EXIT } = await import('../dist/kstern.js');

  // Installed as kubectl-kstern too (kubectl's plugin mechanism runs `kubectl kstern …` as that binary):
  // help and usage errors then say "kubectl kstern".
  const invokedAs = basename(process.argv[1] ?? '').replace(/\.[cm]?js$/, '');
  const programName = invokedAs === 'kubectl-kstern' ? 'kubectl kstern' : 'kstern';

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
    programName,
    signal: controller.signal,
  });
  process.exit(code);
}
