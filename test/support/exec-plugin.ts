// Helpers for tests of exec credential plugins: a kubeconfig whose user runs one, plugin scripts, and the
// plugin's process (a plugin writes its pid to a file so a test can check that it is gone when it should be).
import { readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { until } from './wait.ts';

/** The user's `exec` section, with `env` as a map (the file has a list of name/value pairs). */
export interface ExecSection {
  command: string;
  env?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * kubeconfig YAML with one cluster `c` at `server` (trusting `caPem` when given), one user `u` whose
 * credential comes from the exec plugin `exec` (apiVersion client.authentication.k8s.io/v1), and one
 * context `x` joining them, the current one.
 */
export function execKubeconfig(server: string, exec: ExecSection, caPem?: string): string {
  const { env, ...fields } = exec;
  return yaml.dump({
    clusters: [
      {
        name: 'c',
        cluster: {
          server,
          ...(caPem === undefined
            ? {}
            : { 'certificate-authority-data': Buffer.from(caPem).toString('base64') }),
        },
      },
    ],
    users: [
      {
        name: 'u',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            ...fields,
            ...(env === undefined
              ? {}
              : { env: Object.entries(env).map(([name, value]) => ({ name, value })) }),
          },
        },
      },
    ],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
}

/** Writes an executable `#!/usr/bin/env node` script (CommonJS) named `name` into `dir`; returns its path. */
export async function writeNodeScript(dir: string, name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/usr/bin/env node\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/** CommonJS for a plugin script's first line: it writes its pid to the file $PID_FILE names. */
export const WRITE_PID = "require('node:fs').writeFileSync(process.env.PID_FILE, String(process.pid));";

/** The pid a plugin wrote to `file`, once it has written it (waits up to 15 s). */
export async function pluginPid(file: string): Promise<number> {
  const read = () => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  await until(() => read() !== '', 'the plugin to write its pid', 15_000);
  return Number(read());
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
