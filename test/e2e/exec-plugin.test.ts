// Exec credential plugins with the built binary: the plugin's stderr reaches the user ahead of
// kstern's one error line, and a plugin still running when kstern is stopped does not outlive it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { execKubeconfig, isAlive, pluginPid, WRITE_PID, writeNodeScript } from '../support/exec-plugin.ts';
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

/** A kubeconfig whose user runs `#!/usr/bin/env node` script `body` as its exec plugin. */
async function withPlugin(name: string, body: string): Promise<{ kubeconfig: string; plugin: string }> {
  const plugin = await writeNodeScript(dir, name, body);
  const kubeconfig = join(dir, `${name}.kubeconfig`);
  await writeFile(
    kubeconfig,
    execKubeconfig(
      srv.url,
      { command: plugin, interactiveMode: 'IfAvailable', env: { PID_FILE: join(dir, `${name}.pid`) } },
      srv.caPem,
    ),
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
    const { kubeconfig } = await withPlugin('hanging-plugin', `${WRITE_PID} setInterval(() => {}, 1000);`);
    const pidFile = join(dir, 'hanging-plugin.pid');
    const k = spawnKstern(['anything', '--kubeconfig', kubeconfig], env());
    let pid = 0;
    try {
      pid = await pluginPid(pidFile);
      k.child.kill('SIGTERM');
      const { code } = await k.exit;
      assert.equal(code, 143, k.stderr());
      await until(() => !isAlive(pid), `plugin process ${pid} to be gone`, 5000);
    } finally {
      if (k.child.exitCode === null) k.child.kill('SIGKILL');
      if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
