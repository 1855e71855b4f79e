// Partial failure: a 403 on one namespace, or on pods/log of one pod, is reported once on stderr with
// the namespace/pod, and every other stream goes on. Without --follow, the exit is non-zero if any
// stream failed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { createKubeApi } from '../../../src/kube/transport.ts';
import { defaultFormatter } from '../../../src/output/format.ts';
import { formatSink } from '../../../src/output/sink.ts';
import { Writer } from '../../../src/output/writer.ts';
import { TailManager } from '../../../src/tail/manager.ts';
import { TargetSet } from '../../../src/targets/select.ts';
import { messageLine } from '../../../src/util/messages.ts';
import { startFakeApiServer } from '../../fake-apiserver/index.ts';
import { runKstern } from '../../support/kstern.ts';
import { checkSeq, delay } from './support.ts';

describe('partial failure', () => {
  it('a forbidden namespace and a pod whose log is forbidden: reported once each, the rest streams', async () => {
    const srv = await startFakeApiServer();
    const k = runKstern(['web', '-n', 'team-a,team-b', '--kubeconfig', await srv.writeKubeconfig()]);
    const stops: (() => void)[] = [];
    try {
      srv.denyNamespace('team-b');
      srv.denyLogs('team-a', 'web-2');
      for (const p of ['web-1', 'web-2', 'web-3']) {
        srv.createPod({ name: p, namespace: 'team-a', containers: ['app'] });
        srv.createPod({ name: p, namespace: 'team-b', containers: ['app'] });
      }
      for (const p of ['web-1', 'web-3']) {
        stops.push(srv.startLoad({ namespace: 'team-a', pod: p, container: 'app', linesPerSecond: 200 }));
      }
      await delay(3000);
      for (const s of stops) s();
      const err = k.stderr().split('\n');
      const nsErrors = err.filter((l) => l.includes('team-b'));
      assert.equal(nsErrors.length, 1, nsErrors.join('\n'));
      assert.match(
        nsErrors[0]!,
        /^kstern: warning: failed to watch pods in namespace team-b: .*forbidden.*, will retry$/,
      );
      const logErrors = err.filter((l) => l.includes('web-2'));
      assert.ok(logErrors.includes('+ team-a web-2 › app'));
      const failures = logErrors.filter((l) => l.startsWith('kstern: '));
      assert.equal(failures.length, 1, failures.join('\n'));
      assert.match(
        failures[0]!,
        /^kstern: warning: failed to tail team-a\/web-2\/app: .*forbidden.*"pods\/log".*, will retry$/,
      );
      await k.waitStdout(() => checkSeq(k.lines()).lines >= 1000, 'the other streams', 5000);
      const r = checkSeq(k.lines());
      assert.equal(r.sources, 2);
      assert.deepEqual([r.duplicates, r.losses], [0, 0]);
      assert.ok(srv.requests.filter((x) => x.path.includes('web-2/log')).length < 12, 'retried with backoff');
    } finally {
      for (const s of stops) s();
      k.kill();
      await k.done;
      await srv.close();
    }
  });

  it('--no-follow: exit 1 when one stream is forbidden (the others printed in full), 0 when none is', async () => {
    const srv = await startFakeApiServer();
    try {
      const kubeconfig = await srv.writeKubeconfig();
      for (const p of ['nf-1', 'nf-2', 'nf-3']) {
        srv.createPod({ name: p, containers: ['app'] });
        srv.appendLog('default', p, 'app', [`${p}/app seq=1`, `${p}/app seq=2`]);
      }
      const ok = runKstern(['nf', '--no-follow', '--kubeconfig', kubeconfig]);
      assert.equal(await ok.done, 0, ok.stderr());
      assert.equal(checkSeq(ok.lines()).lines, 6);
      srv.denyLogs('default', 'nf-2');
      const bad = runKstern(['nf', '--no-follow', '--kubeconfig', kubeconfig]);
      assert.equal(await bad.done, 1);
      const r = checkSeq(bad.lines());
      assert.deepEqual([r.lines, r.sources], [4, 2]);
      const failures = bad
        .stderr()
        .split('\n')
        .filter((l) => /^kstern: (error|warning): failed/.test(l));
      assert.equal(failures.length, 1, bad.stderr());
      assert.match(failures[0]!, /^kstern: error: failed to tail default\/nf-2\/app: .*forbidden/);
    } finally {
      await srv.close();
    }
  });

  it('without --follow, a failed stream counts: the other targets finish and the failure is counted', async () => {
    const srv = await startFakeApiServer();
    try {
      for (const p of ['nf-1', 'nf-2', 'nf-3']) {
        srv.createPod({ name: p, containers: ['app'] });
        srv.appendLog('default', p, 'app', [`${p}/app seq=1`, `${p}/app seq=2`]);
      }
      srv.denyLogs('default', 'nf-2');
      const kube = await resolveKubeconfig({
        kubeconfigFlag: await srv.writeKubeconfig(),
        contextFlag: undefined,
        env: {},
        homeDir: '/nonexistent',
      });
      const api = await createKubeApi(kube);
      const out: string[] = [];
      const err: string[] = [];
      const { PassThrough } = await import('node:stream');
      const o = new PassThrough().on('data', (b: Buffer) => out.push(b.toString()));
      const e = new PassThrough().on('data', (b: Buffer) => err.push(b.toString()));
      const writer = new Writer({ out: o, err: e });
      const targets = new TargetSet(
        { query: /nf/, excludePod: [] },
        {
          container: /.*/,
          excludeContainer: [],
          initContainers: true,
          ephemeralContainers: true,
          states: new Set(),
        },
      );
      const m = new TailManager(
        {
          api,
          sink: formatSink(defaultFormatter({ level: 0, showNamespace: false }), writer),
          targets,
          onlyLogLines: true,
          follow: false,
          sinceSeconds: undefined,
          sinceTime: undefined,
          tailLines: undefined,
          maxAttemptsNoFollow: 5,
          backoff: { initialMs: 50, maxMs: 200 },
          random: Math.random,
          report: (text, severity) => void writer.err(`${messageLine(text, severity)}\n`),
        },
        new AbortController().signal,
      );
      for (const p of srv.listPods('default')) for (const t of targets.visit(p)) m.start(t);
      await m.drain();
      await writer.flush();
      api.close();
      assert.equal(m.failures, 1);
      assert.equal(checkSeq(out.join('').split('\n')).lines, 4);
      assert.equal(err.length, 1, err.join(''));
      assert.match(err[0]!, /^kstern: error: failed to tail default\/nf-2\/app: .*forbidden/);
      assert.equal(srv.requests.filter((r) => r.path.includes('nf-2/log')).length, 1, 'a 403 is not retried');
    } finally {
      await srv.close();
    }
  });
});
