// Watches: bookmarks requested and used; re-watch from the last resourceVersion; relist on 410 and
// reconcile; an outage of any length never leaves a running matching pod untailed nor a deleted one attached.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { type InProcess, runKstern } from '../../support/kstern.ts';
import { delay } from './support.ts';

/**
 * Containers with more + than - lines. Counted, not a set: after a restart the new instance's `+` may
 * come before the old instance's `-`.
 */
function attached(stderr: string): Set<string> {
  const open = new Map<string, number>();
  for (const l of stderr.split('\n')) {
    const m = /^([+-]) (\S+) › (\S+)$/.exec(l);
    if (!m) continue;
    const key = `${m[2]}/${m[3]}`;
    open.set(key, (open.get(key) ?? 0) + (m[1] === '+' ? 1 : -1));
  }
  return new Set([...open].filter(([, n]) => n > 0).map(([k]) => k));
}

/** Every running matching container is attached, nothing else is, and each prints a fresh line. */
async function assertConverged(srv: FakeApiServer, k: InProcess, prefix: string, tag: string): Promise<void> {
  const running = srv
    .listPods('default')
    .filter((p) => p.metadata.name.startsWith(prefix))
    .flatMap((p) =>
      p.status.containerStatuses.filter((s) => s.state.running).map((s) => `${p.metadata.name}/${s.name}`),
    )
    .sort();
  await k.waitStderr(
    (s) => JSON.stringify([...attached(s)].sort()) === JSON.stringify(running),
    `attached == running (${running.join(' ')})`,
    // The watcher backs off up to 10 s (full jitter) while the server is down, and a connection attempt
    // caught in the server's shutdown takes up to the 10 s connect timeout: leave room for both on a busy CI.
    45_000,
  );
  await srv.waitFor(() => srv.stats().logStreamsOpen >= running.length, 10_000);
  for (const c of running) {
    const [pod, container] = c.split('/');
    srv.appendLog('default', pod!, container!, `${tag} ${c}`);
  }
  for (const c of running) await k.waitStdout((s) => s.includes(`${tag} ${c}\n`), `${tag} ${c}`, 15_000);
}

describe('watches', () => {
  it('asks for bookmarks and re-watches from the bookmark resourceVersion', async () => {
    const srv = await startFakeApiServer({ bookmarkIntervalMs: 50 });
    const k = runKstern(['-l', 'app=web', '--kubeconfig', await srv.writeKubeconfig()]);
    try {
      srv.createPod({ name: 'web-1', labels: { app: 'web' }, containers: ['app'] });
      await k.waitStderr((s) => s.includes('+ web-1 › app'), 'attached');
      const watches = () =>
        srv.requests.filter((r) => r.query['watch'] === '1' || r.query['watch'] === 'true');
      await srv.waitFor(() => watches().length >= 1);
      const first = watches()[0]!;
      assert.equal(first.query['allowWatchBookmarks'], 'true');
      // Changes the watch does not match move the resourceVersion on; only bookmarks tell the client.
      for (let i = 0; i < 5; i++) srv.createPod({ name: `other-${i}`, containers: ['x'] });
      const rvAfter = Number(srv.getPod('default', 'other-4')!.metadata.resourceVersion);
      await delay(300);
      srv.dropWatches();
      await srv.waitFor(() => watches().length >= 2);
      const second = watches()[1]!;
      assert.ok(
        Number(second.query['resourceVersion']) >= rvAfter,
        `re-watch from ${second.query['resourceVersion']} (bookmark), not the list's ${first.query['resourceVersion']}`,
      );
      const lists = srv.requests.filter(
        (r) => r.path === '/api/v1/namespaces/default/pods' && !r.query['watch'],
      );
      assert.equal(lists.length, 1, 'no relist for a re-watch');
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });

  it('relists on 410 and reconciles changes made during an outage', async () => {
    const srv = await startFakeApiServer();
    const k = runKstern(['api', '--kubeconfig', await srv.writeKubeconfig(), '--verbosity', '6']);
    try {
      srv.createPod({ name: 'api-old', containers: ['app'] });
      srv.createPod({ name: 'api-stays', containers: ['app'] });
      srv.createPod({ name: 'api-restarts', containers: ['app'] });
      await assertConverged(srv, k, 'api-', 'before');
      await srv.setDown(true);
      srv.deletePod('default', 'api-old');
      srv.createPod({ name: 'api-new', containers: ['app'] });
      srv.restartContainer('default', 'api-restarts', 'app');
      srv.compact();
      await delay(1500);
      await srv.setDown(false);
      await assertConverged(srv, k, 'api-', 'after');
      assert.ok(
        srv.requests.filter((r) => r.path === '/api/v1/namespaces/default/pods' && !r.query['watch'])
          .length >= 2,
        'relisted',
      );
      assert.match(k.stderr(), /^- api-old › app$/m);
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });

  it('random watch drops, resets and compactions while pods come and go: always converges', async () => {
    const srv = await startFakeApiServer({ bookmarkIntervalMs: 100 });
    const k = runKstern(['churn', '--kubeconfig', await srv.writeKubeconfig()]);
    try {
      let next = 0;
      const live: string[] = [];
      for (let i = 0; i < 4; i++) {
        const name = `churn-${next++}`;
        srv.createPod({ name, containers: ['app'] });
        live.push(name);
      }
      for (let round = 0; round < 15; round++) {
        const f = round % 3;
        if (f === 0) srv.dropWatches();
        else if (f === 1) srv.resetWatches();
        else srv.compact();
        if (round % 2 === 0 && live.length > 1) srv.deletePod('default', live.shift()!);
        const name = `churn-${next++}`;
        srv.createPod({ name, containers: ['app'] });
        live.push(name);
        if (round % 4 === 0) srv.restartContainer('default', live[0]!, 'app');
        await delay(50 + Math.random() * 100);
      }
      await assertConverged(srv, k, 'churn-', 'final');
    } finally {
      k.kill();
      await k.done;
      await srv.close();
    }
  });
});
