// main(argv, deps) → exit code. The bundle's entry point; bin/kstern.js calls it.

import { completionScript } from './cli/completion.ts';
import { loadCommand } from './cli/load.ts';
import type { Deps } from './deps.ts';
import { KubeError } from './kube/api.ts';
import { sanitizeText } from './output/sanitize.ts';
import { errorMessage, UserError } from './util/errors.ts';
import { messageLine, type Report } from './util/messages.ts';
import { VERSION } from './util/version.ts';

export type { Deps } from './deps.ts';
export { SIGNAL_EXIT } from './deps.ts';

function writeLine(stream: NodeJS.WritableStream, line: string): void {
  try {
    stream.write(`${line}\n`);
  } catch {
    // a closed stderr must not crash the run
  }
}

export async function main(argv: readonly string[], deps: Deps): Promise<number> {
  // Messages may quote the cluster or a kubeconfig: sanitised when stderr is a terminal (or with
  // --sanitize, once the flags are read). kstern does not colour them, so no SGR passes either.
  let sanitizeFlag = false;
  const say = (line: string): void =>
    writeLine(deps.stderr, deps.stderr.isTTY === true || sanitizeFlag ? sanitizeText(line, false) : line);
  // Messages before the run (the config file's) and the fatal and usage errors; the run has its own writer.
  const report: Report = (text, severity) => say(messageLine(text, severity));
  const fail = (text: string): void => report(text, 'error');
  try {
    // The hidden command the shell completion scripts call (see cli/completion.ts).
    if (argv[0] === '__complete') {
      const { completeCommand } = await import('./cli/complete-command.ts');
      return await completeCommand(argv.slice(1), deps);
    }
    const cmd = await loadCommand(argv, deps, VERSION, report);
    if (cmd.kind === 'help' || cmd.kind === 'hidden-options') {
      deps.stdout.write(cmd.text);
      return 0;
    }
    if (cmd.kind === 'completion') {
      deps.stdout.write(completionScript(cmd.shell));
      return 0;
    }
    if (cmd.kind === 'version') {
      deps.stdout.write(`version: ${VERSION}\nnode: ${process.version}\n`);
      return 0;
    }
    sanitizeFlag = cmd.config.sanitize;
    // Loaded here, not at start-up: --version and --help need none of the pipeline, the client-node
    // kubeconfig code and the HTTP/2 transport (esbuild keeps it in the one file, evaluated on first use).
    const { run } = await import('./run.ts');
    return await run(cmd.config, deps);
  } catch (e) {
    if (e instanceof UserError) {
      fail(e.message);
      return e.exitCode;
    }
    if (e instanceof KubeError) {
      fail(e.message);
      return 1;
    }
    const verbose = argv.some((a) => /^--verbosity(=|$)/.test(a));
    fail(errorMessage(e));
    // The stack trace, for a bug report: as Node prints it, not a message.
    if (verbose && e instanceof Error && e.stack) say(e.stack);
    return 1;
  }
}
