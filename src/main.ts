// main(argv, deps) → exit code. The bundle's entry point; bin/kstern.js calls it.

import { completionScript } from './cli/completion.ts';
import { loadCommand } from './cli/load.ts';
import type { Deps } from './deps.ts';
import { UserError } from './errors.ts';
import { KubeError } from './kube/api.ts';
import { run } from './run.ts';
import { VERSION } from './version.ts';

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
  try {
    // The hidden command the shell completion scripts call (see cli/completion.ts).
    if (argv[0] === '__complete') {
      const { completeCommand } = await import('./cli/complete-command.ts');
      return await completeCommand(argv.slice(1), deps);
    }
    const cmd = await loadCommand(argv, deps, VERSION);
    if (cmd.kind === 'help' || cmd.kind === 'hidden-options') {
      deps.stdout.write(cmd.text);
      return 0;
    }
    if (cmd.kind === 'completion') {
      deps.stdout.write(completionScript(cmd.shell));
      return 0;
    }
    if (cmd.kind === 'version') {
      deps.stdout.write(`version: ${VERSION}\n`);
      return 0;
    }
    return await run(cmd.config, deps);
  } catch (e) {
    if (e instanceof UserError) {
      writeLine(deps.stderr, `Error: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof KubeError) {
      writeLine(deps.stderr, `Error: ${e.message}`);
      return 1;
    }
    const verbose = argv.some((a) => /^--verbosity(=|$)/.test(a));
    writeLine(deps.stderr, `Error: ${e instanceof Error ? e.message : String(e)}`);
    if (verbose && e instanceof Error && e.stack) writeLine(deps.stderr, e.stack);
    return 1;
  }
}
