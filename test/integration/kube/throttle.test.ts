// --qps / --burst: list and get requests wait for a token; watches and log streams never do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveKubeconfig } from '../../../src/config/kubeconfig.ts';
import { createKubeApi, type HttpKubeApi } from '../../../src/kube/transport.ts';
import { type FakeApiServer, startFakeApiServer } from '../../fake-apiserver/index.ts';
import { until } from '../../support/wait.ts';

let srv: FakeApiServer;
let api: HttpKubeApi;

before(async () => {
  srv = await startFakeApiServer();
  srv.createPod({ namespace: 'ns', name: 'p1', containers: ['app'] });
  srv.appendLog('ns', 'p1', 'app', 'line one');
  const kube = await resolveKubeconfig({
    kubeconfigFlag: await srv.writeKubeconfig(),
    env: {},
    homeDir: '/',
  });
  // A rate so low that once the burst of 2 is spent no further token comes during the test.
  api = await createKubeApi(kube, { throttle: { qps: 0.001, burst: 2 } });
});
after(async () => {
  api.close();
  await srv.close();
});

const gets = () =>
  srv.requests.filter(
    (r) =>
      r.path.startsWith('/api/v1/namespaces/ns/pods') &&
      r.query['watch'] === undefined &&
      !r.path.endsWith('/log'),
  ).length;

describe('--qps / --burst', () => {
  it('list and get requests past the burst wait; a watch and a log stream go at once', async () => {
    const ctl = new AbortController();
    await api.listPods({ namespace: 'ns' }, ctl.signal);
    await api.getPod('ns', 'p1', ctl.signal);
    assert.equal(gets(), 2);
    // The third waits for a token that does not come in time.
    const third = api.getPod('ns', 'p1', ctl.signal);
    let settled = false;
    third.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Not throttled: the watch and the log stream reach the server while the GET waits.
    const watch = api
      .watchPods({ namespace: 'ns', resourceVersion: '0' }, ctl.signal)
      [Symbol.asyncIterator]();
    void watch.next();
    const log = api
      .streamLog(
        { namespace: 'ns', pod: 'p1', container: 'app', follow: true, timestamps: false },
        ctl.signal,
      )
      [Symbol.asyncIterator]();
    const first = await log.next();
    assert.match(String(first.value), /line one/);
    await until(() => srv.requests.some((r) => r.query['watch'] !== undefined), 'the watch request');
    assert.equal(settled, false, 'the third GET is still waiting for its token');
    assert.equal(gets(), 2, 'the third GET did not reach the server');
    ctl.abort();
    await assert.rejects(third);
    await log.return(undefined);
    await watch.return(undefined);
  });
});
