// Exec credential plugins with the built binary: the plugin's stderr reaches the user ahead of
// kstern's one error line, and a plugin still running when kstern is stopped does not outlive it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { spawnKstern } from '../support/kstern.ts';
import { until } from '../support/wait.ts';

let srv: FakeApiServer;
let dir: string;
const env = () => ({ PATH: `${dirname(process.execPath)}:/usr/bin:/bin` });

before(async () => {
  srv = await startFakeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'kstern-e2e-exec-'));
});
after(async () => {
  await srv.close();
  await rm(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A kubeconfig whose user runs `#!/usr/bin/env node` script `body` as its exec plugin. */
async function withPlugin(name: string, body: string): Promise<{ kubeconfig: string; plugin: string }> {
  const plugin = join(dir, name);
  await writeFile(plugin, `#!/usr/bin/env node\n${body}\n`);
  await chmod(plugin, 0o755);
  const kubeconfig = join(dir, `${name}.kubeconfig`);
  await writeFile(
    kubeconfig,
    yaml.dump({
      clusters: [
        {
          name: 'c',
          cluster: {
            server: srv.url,
            'certificate-authority-data': Buffer.from(srv.caPem).toString('base64'),
          },
        },
      ],
      users: [
        {
          name: 'u',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: plugin,
              interactiveMode: 'IfAvailable',
              env: [{ name: 'PID_FILE', value: join(dir, `${name}.pid`) }],
            },
          },
        },
      ],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  return { kubeconfig, plugin };
}

describe('exec plugins (built binary)', () => {
  it("a failing plugin: its stderr, then kstern's one line naming it, exit 1", async () => {
    const { kubeconfig, plugin } = await withPlugin(
      'failing-plugin',
      "process.stderr.write('please run: acme login\\n'); process.exit(3);",
    );
    const k = spawnKstern(['anything', '--kubeconfig', kubeconfig], env());
    const { code } = await k.exit;
    assert.equal(code, 1);
    assert.equal(
      k.stderr(),
      `please run: acme login\nkstern: error: cannot get credentials for user "u": exec plugin "${plugin}" failed with exit code 3\n`,
    );
    assert.equal(k.stdout(), '');
  });

  it('SIGTERM while the plugin hangs: kstern exits 143 and the plugin is gone', async () => {
    const { kubeconfig } = await withPlugin(
      'hanging-plugin',
      "require('node:fs').writeFileSync(process.env.PID_FILE, String(process.pid)); setInterval(() => {}, 1000);",
    );
    const pidFile = join(dir, 'hanging-plugin.pid');
    const k = spawnKstern(['anything', '--kubeconfig', kubeconfig], env());
    let pid = 0;
    try {
      await until(
        () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '',
        'the plugin to start',
        15_000,
      );
      pid = Number(readFileSync(pidFile, 'utf8'));
      k.child.kill('SIGTERM');
      const { code } = await k.exit;
      assert.equal(code, 143, k.stderr());
      await until(() => !alive(pid), `plugin process ${pid} to be gone`, 5000);
    } finally {
      if (k.child.exitCode === null) k.child.kill('SIGKILL');
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
