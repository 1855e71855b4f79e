// The config file chain: --config, $KSTERNCONFIG, ~/.config/kstern/config.yaml, then stern's
// ($STERNCONFIG, ~/.config/stern/config.yaml) for users coming from stern.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadCommand } from '../../../src/cli/load.ts';
import type { Config } from '../../../src/config/config.ts';
import type { Deps } from '../../../src/deps.ts';
import { UserError } from '../../../src/util/errors.ts';
import { messageLine } from '../../../src/util/messages.ts';

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstern-load-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A home directory holding the given files (path relative to home → text). */
async function home(files: Record<string, string>): Promise<string> {
  const h = join(dir, `home${++n}`);
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(h, p, '..'), { recursive: true });
    await writeFile(join(h, p), text);
  }
  return h;
}

async function load(
  argv: string[],
  homeDir: string,
  env: Record<string, string> = {},
): Promise<{ config: Config; stderr: string }> {
  const deps: Deps = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env,
    homeDir,
    signal: new AbortController().signal,
  };
  // The messages as main() writes them on stderr.
  let stderr = '';
  const cmd = await loadCommand(argv, deps, 'test', (text, severity) => {
    stderr += `${messageLine(text, severity)}\n`;
  });
  assert.equal(cmd.kind, 'run');
  return { config: (cmd as { config: Config }).config, stderr };
}

const STERN = '.config/stern/config.yaml';
const KSTERN = '.config/kstern/config.yaml';

describe("stern's config file", () => {
  it('is read when there is no kstern config file; --verbosity says so once', async () => {
    const h = await home({ [STERN]: 'tail: 3\n' });
    const quiet = await load(['x'], h);
    assert.equal(quiet.config.tail, 3);
    assert.equal(quiet.stderr, '');
    const told = await load(['x', '--verbosity', '6'], h);
    assert.equal(told.config.tail, 3);
    assert.equal(
      told.stderr,
      `kstern: using stern's config file "${join(h, STERN)}" (there is no "${join(h, KSTERN)}")\n`,
    );
  });

  it('$STERNCONFIG names it; a missing one is an error naming it', async () => {
    const h = await home({ 'stern.yaml': 'tail: 4\n' });
    assert.equal((await load(['x'], h, { STERNCONFIG: join(h, 'stern.yaml') })).config.tail, 4);
    const missing = join(h, 'nope.yaml');
    await assert.rejects(
      load(['x'], h, { STERNCONFIG: missing }),
      (e) => e instanceof UserError && e.message === `config file "${missing}" does not exist`,
    );
  });

  it('is not read when kstern has a config file, $KSTERNCONFIG or --config', async () => {
    const h = await home({ [STERN]: 'tail: 3\n', [KSTERN]: 'tail: 7\n', 'k.yaml': 'output: raw\n' });
    assert.equal((await load(['x'], h)).config.tail, 7);
    const viaEnv = await load(['x'], h, { KSTERNCONFIG: join(h, 'k.yaml') });
    assert.equal(viaEnv.config.tail, -1);
    const viaFlag = await load(['x', '--config', join(h, 'k.yaml')], h);
    assert.equal(viaFlag.config.tail, -1);
    assert.equal(viaFlag.config.output, 'raw');
  });

  it('neither file: the defaults', async () => {
    const { config, stderr } = await load(['x', '--verbosity', '6'], await home({}));
    assert.equal(config.tail, -1);
    assert.equal(stderr, '');
  });
});

describe('a bad value in the config file', () => {
  it('is a usage error naming the file and the key', async () => {
    const h = await home({ [KSTERN]: 'tail: lots\nmax-log-requests: 5\n' });
    const file = join(h, KSTERN);
    await assert.rejects(
      load(['x'], h),
      (e) =>
        e instanceof UserError &&
        e.exitCode === 2 &&
        e.message ===
          `invalid value "lots" for --tail: not an integer (from the config file "${file}", key "tail")`,
    );
  });

  it('the same bad value typed on the command line names no file', async () => {
    const h = await home({ [KSTERN]: 'max-log-requests: 5\n' });
    await assert.rejects(
      load(['x', '--tail', 'lots'], h),
      (e) => e instanceof UserError && e.message === 'invalid value "lots" for --tail: not an integer',
    );
  });
});
