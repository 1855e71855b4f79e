// stern's flags, query forms and output modes, through main() against the fake API server.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { runKstern } from '../support/kstern.ts';

let srv: FakeApiServer;
let kc: string;
let dir: string;

/** Runs kstern to its end (these runs use --no-follow or --stdin) and returns what it printed. */
async function once(args: string[], o: Parameters<typeof runKstern>[1] = {}) {
  const k = runKstern(['--kubeconfig', kc, ...args], { homeDir: dir, ...o });
  const code = await k.done;
  return { code, out: k.stdout(), err: k.stderr(), lines: k.lines() };
}

before(async () => {
  srv = await startFakeApiServer();
  kc = await srv.writeKubeconfig({ namespace: 'shop' });
  dir = await mkdtemp(join(tmpdir(), 'kstern-parity-'));
  // A deployment whose template gained a label: its older pod still matches spec.selector.
  srv.createWorkload('Deployment', {
    namespace: 'shop',
    name: 'web',
    selector: { matchLabels: { app: 'web' } },
    templateLabels: { app: 'web', version: 'v2' },
  });
  srv.createWorkload('Service', { namespace: 'shop', name: 'web', selector: { app: 'web' } });
  srv.createWorkload('Job', {
    namespace: 'shop',
    name: 'backup',
    selector: { matchLabels: { 'job-name': 'backup' } },
  });
  srv.createWorkload('CronJob', { namespace: 'shop', name: 'nightly', templateLabels: { app: 'nightly' } });
  srv.createWorkload('StatefulSet', {
    namespace: 'billing',
    name: 'db',
    selector: { matchLabels: { app: 'db' } },
  });
  const pods: [string, string, Record<string, string>, string[]][] = [
    ['shop', 'web-old', { app: 'web', version: 'v1' }, ['app']],
    ['shop', 'web-new', { app: 'web', version: 'v2' }, ['app']],
    ['shop', 'other-1', { app: 'other' }, ['app']],
    ['shop', 'backup-x1', { 'job-name': 'backup' }, ['app']],
    ['shop', 'nightly-29000', { app: 'nightly' }, ['app']],
    ['billing', 'db-0', { app: 'db' }, ['app']],
  ];
  for (const [namespace, name, labels, containers] of pods) {
    srv.createPod({ namespace, name, labels, containers });
    srv.appendLog(namespace, name, 'app', [`${name} one`, `${name} two`, `${name} three`]);
  }
  srv.createPod({
    namespace: 'shop',
    name: 'multi-1',
    containers: ['server', 'sidecar'],
    nodeName: 'node-2',
  });
  srv.appendLog('shop', 'multi-1', 'server', [
    'GET /health 200',
    'ERROR db timeout',
    'GET /cart 500',
    '{"level":"warn","msg":"slow"}',
  ]);
  srv.appendLog('shop', 'multi-1', 'sidecar', ['proxy up']);
});
after(() => srv.close());

describe('query forms', () => {
  const cases: [string[], string[]][] = [
    [['deployment/web'], ['web-new', 'web-old']],
    [['deploy/web'], ['web-new', 'web-old']],
    [['deployments/web'], ['web-new', 'web-old']],
    [['svc/web'], ['web-new', 'web-old']],
    [['job/backup'], ['backup-x1']],
    [['cronjob/nightly'], ['nightly-29000']],
    [['pod/web-old'], ['web-old']],
    [['po/web'], []],
    [['sts/db', '-n', 'billing'], ['db-0']],
  ];
  for (const [args, pods] of cases) {
    it(`${args.join(' ')} → ${pods.join(', ') || 'no pod'}`, async () => {
      const r = await once([...args, '--no-follow']);
      // Nothing matched is EXIT.nothingMatched (3), with a line saying what was searched.
      assert.equal(r.code, pods.length === 0 ? 3 : 0, r.err);
      assert.deepEqual([...new Set(r.lines.map((l) => l.split(' ')[0]))].sort(), pods);
    });
  }

  it('finds a workload in every namespace with -A and shows the namespace', async () => {
    const r = await once(['sts/db', '-A', '--no-follow']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.lines, [
      'billing db-0 app db-0 one',
      'billing db-0 app db-0 two',
      'billing db-0 app db-0 three',
    ]);
  });

  it('fails with the server’s message for a missing workload', async () => {
    const r = await once(['deployment/nope', '--no-follow']);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'kstern: error: deployments.apps "nope" not found\n');
  });

  it('rejects -l with a resource query and an unknown kind', async () => {
    assert.equal(
      (await once(['deployment/web', '-l', 'a=b'])).err,
      'kstern: error: --selector and the <resource>/<name> query cannot be set at the same time\n',
    );
    const r = await once(['widget/x']);
    assert.equal(r.err, 'kstern: error: resource type widget is not supported\n');
    assert.equal(r.code, 2);
  });
});

describe('selection flags', () => {
  it('--node adds spec.nodeName to the field selector', async () => {
    const r = await once(['.', '--node', 'node-2', '--no-follow', '-c', 'sidecar']);
    assert.deepEqual(r.lines, ['multi-1 sidecar proxy up']);
  });

  it('-E, --exclude-pod and -c', async () => {
    const r = await once([
      'web|multi',
      '--exclude-pod',
      'old',
      '-E',
      'side',
      '-c',
      'app|server',
      '--no-follow',
      '--tail',
      '1',
    ]);
    assert.deepEqual(r.lines.sort(), [
      'multi-1 server {"level":"warn","msg":"slow"}',
      'web-new app web-new three',
    ]);
  });

  it('--container-state running leaves out a terminated container', async () => {
    srv.createPod({ namespace: 'shop', name: 'states-1', containers: ['up', 'done'] });
    srv.appendLog('shop', 'states-1', 'up', 'still running');
    srv.appendLog('shop', 'states-1', 'done', 'finished');
    srv.terminateContainer('shop', 'states-1', 'done');
    const all = await once(['states', '--no-follow']);
    assert.deepEqual(all.lines.sort(), ['states-1 done finished', 'states-1 up still running']);
    const running = await once(['states', '--no-follow', '--container-state', 'running']);
    assert.deepEqual(running.lines, ['states-1 up still running']);
  });

  it('--condition ready=false keeps only pods that are not ready', async () => {
    srv.createPod({ namespace: 'shop', name: 'cond-ok', containers: ['c'] });
    srv.createPod({ namespace: 'shop', name: 'cond-bad', containers: ['c'] });
    srv.updatePod('shop', 'cond-bad', (p) => {
      // A failing readiness probe: the container runs but is not ready.
      for (const c of p.status?.containerStatuses ?? []) c.ready = false;
    });
    srv.appendLog('shop', 'cond-ok', 'c', 'fine');
    srv.appendLog('shop', 'cond-bad', 'c', 'broken');
    const r = await once(['cond', '--no-follow', '--condition', 'ready=false']);
    assert.deepEqual(r.lines, ['cond-bad c broken']);
    assert.equal((await once(['cond', '--condition', 'ready'])).code, 2, 'needs --tail=0 or --no-follow');
  });
});

describe('line flags', () => {
  it('-e drops and -i keeps lines by content only', async () => {
    const r = await once(['multi', '-c', 'server', '--no-follow', '-e', 'health', '-i', 'ERROR|500']);
    assert.deepEqual(r.lines, ['multi-1 server ERROR db timeout', 'multi-1 server GET /cart 500']);
  });

  it('highlights -i and -H matches, longest first, with colour', async () => {
    const r = await once([
      'multi',
      '-c',
      'server',
      '--no-follow',
      '-H',
      'db',
      '-H',
      'db timeout',
      '--color',
      'always',
      '-i',
      'ERROR',
    ]);
    assert.equal(r.lines.length, 1);
    assert.ok(
      r.lines[0]!.endsWith(' \x1b[31m\x1b[1mERROR\x1b[22m\x1b[39m \x1b[31m\x1b[1mdb timeout\x1b[22m\x1b[39m'),
      JSON.stringify(r.lines[0]),
    );
  });
});

describe('time flags', () => {
  before(() => {
    srv.createPod({ namespace: 'shop', name: 'clock-1', containers: ['c'] });
    srv.appendRaw('shop', 'clock-1', 'c', Buffer.from('from 2020'), '2020-06-20T08:20:30.331385000Z');
    srv.appendLog('shop', 'clock-1', 'c', ['recent 1', 'recent 2']);
  });

  it('--tail per container, --since and --since-time', async () => {
    assert.deepEqual((await once(['clock', '--no-follow', '--tail', '1'])).lines, ['clock-1 c recent 2']);
    assert.deepEqual((await once(['clock', '--no-follow', '--since', '1h'])).lines, [
      'clock-1 c recent 1',
      'clock-1 c recent 2',
    ]);
    assert.deepEqual((await once(['clock', '--no-follow', '--since-time', '2021-01-01T00:00:00Z'])).lines, [
      'clock-1 c recent 1',
      'clock-1 c recent 2',
    ]);
    assert.equal((await once(['clock', '--no-follow'])).lines.length, 3, 'no implicit 48h limit');
  });

  it('-t prints timestamps in the chosen zone; --timestamps=short', async () => {
    const tokyo = await once(['clock', '--no-follow', '-t', '--timezone', 'Asia/Tokyo', '--tail', '3']);
    assert.equal(tokyo.lines[0], 'clock-1 c 2020-06-20T17:20:30.331385000+09:00 from 2020');
    const short = await once(['clock', '--no-follow', '--timestamps=short', '--timezone', 'UTC']);
    assert.equal(short.lines[0], 'clock-1 c 06-20 08:20:30 from 2020');
    assert.equal((await once(['clock', '--timezone', 'Mars/Olympus'])).code, 2);
  });

  it('--since also takes a number and a unit as people type them (2d, "2 days"), which Go rejects', async () => {
    for (const since of ['2d', '2 days', '1.5 hours']) {
      assert.deepEqual((await once(['clock', '--no-follow', '--since', since])).lines, [
        'clock-1 c recent 1',
        'clock-1 c recent 2',
      ]);
    }
  });

  it('rejects a bad duration with the flag named', async () => {
    const r = await once(['clock', '--since', '5 parsecs']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^kstern: error: invalid value "5 parsecs" for --since: time: /);
  });
});

describe('output formats', () => {
  const sel = ['multi', '-c', 'sidecar', '--no-follow'];
  it('raw, json, extjson and ppextjson', async () => {
    assert.deepEqual((await once([...sel, '-o', 'raw'])).lines, ['proxy up']);
    const json = JSON.parse((await once([...sel, '-o', 'json'])).lines[0]!);
    assert.deepEqual(Object.keys(json), [
      'message',
      'nodeName',
      'namespace',
      'podName',
      'containerName',
      'labels',
      'annotations',
    ]);
    assert.deepEqual([json.message, json.nodeName, json.podName], ['proxy up', 'node-2', 'multi-1']);
    const ext = await once([...sel, '-o', 'extjson', '--color', 'always', '-t', '--timezone', 'UTC']);
    const parsed = JSON.parse(ext.lines[0]!);
    assert.equal(parsed.pod, 'multi-1', 'no escape bytes inside JSON strings');
    assert.match(parsed.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const pp = await once(['multi', '-c', 'server', '--no-follow', '-o', 'ppextjson', '-i', 'level']);
    assert.equal(
      pp.out,
      '{\n  "pod": "multi-1",\n  "container": "server",\n  "message": {"level":"warn","msg":"slow"}\n}\n',
    );
  });

  it('--template adds a newline unless the output has one; --template-no-newline; -T', async () => {
    assert.equal(
      (await once([...sel, '--template', '{{.PodName}}/{{.ContainerName}}: {{.Message}}'])).out,
      'multi-1/sidecar: proxy up\n',
    );
    assert.equal((await once([...sel, '--template', '{{.Message}}{{"\\n"}}'])).out, 'proxy up\n');
    assert.equal(
      (await once([...sel, '--template', '{{.Message}};', '--template-no-newline'])).out,
      'proxy up;',
    );
    const file = join(dir, 'level.tpl');
    await writeFile(
      file,
      '{{with $d := tryParseJSON .Message}}{{levelColor $d.level}} {{$d.msg}}{{else}}plain {{.Message}}{{end}}',
    );
    const r = await once(['multi', '-c', 'server', '--no-follow', '-T', file, '-i', 'level|ERROR']);
    assert.deepEqual(r.lines, ['plain ERROR db timeout', 'warn slow']);
  });

  it('a bad template is a usage error; a failing line is reported and skipped', async () => {
    const bad = await once([...sel, '--template', '{{.Message']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^kstern: error: unable to parse template: template: kstern:1:/);
    const failing = await once([
      'multi',
      '-c',
      'server',
      '--no-follow',
      '--template',
      '{{(parseJSON .Message).msg}}',
    ]);
    assert.deepEqual(failing.lines, ['slow']);
    assert.match(
      failing.err,
      /^kstern: error: expanding template failed on a line of shop\/multi-1\/server: template: kstern:1:.*; the line is dropped$/m,
    );
    assert.equal(failing.code, 4); // EXIT.formatFailed: a template error on a line is not a clean run
  });

  it('--pod-colors, --container-colors and --diff-container', async () => {
    const r = await once([...sel, '--color', 'always', '--pod-colors', '31', '--container-colors', '32']);
    assert.equal(r.lines[0], '\x1b[31mmulti-1\x1b[39m \x1b[32msidecar\x1b[39m proxy up');
    const { fnv1_32, DEFAULT_PALETTE } = await import('../../src/output/colors.ts');
    const d = await once([...sel, '--color', 'always', '-d']);
    const ctr = DEFAULT_PALETTE[fnv1_32('sidecar') % 6]![1];
    assert.ok(d.lines[0]!.includes(`\x1b[${ctr}msidecar\x1b[39m`), JSON.stringify(d.lines[0]));
    assert.equal((await once([...sel, '--container-colors', '32'])).code, 2, 'container colours alone');
  });
});

describe('run modes', () => {
  it('--no-follow --max-log-requests 1 prints each container in turn', async () => {
    const r = await once(['multi', '--no-follow', '--max-log-requests', '1']);
    assert.deepEqual(
      r.lines.map((l) => l.split(' ')[1]),
      ['server', 'server', 'server', 'server', 'sidecar'],
    );
  });

  it('queues streams beyond --max-log-requests in follow mode and says so once', async () => {
    srv.createPod({ namespace: 'shop', name: 'queue-1', containers: ['a'] });
    srv.createPod({ namespace: 'shop', name: 'queue-2', containers: ['a'] });
    srv.createPod({ namespace: 'shop', name: 'queue-3', containers: ['a'] });
    const k = runKstern(['--kubeconfig', kc, 'queue', '--max-log-requests', '2'], { homeDir: dir });
    await k.waitStderr((s) => s.includes('raise --max-log-requests'), 'the queue message');
    assert.match(
      k.stderr(),
      /^kstern: 2 of 3 containers streaming; 1 waiting: raise --max-log-requests$/m,
      'the real numbers',
    );
    await k.waitStderr((s) => (s.match(/^\+ /gm) ?? []).length === 2, 'two attached');
    const first = k.stderr().match(/^\+ (queue-\d)/m)![1]!;
    srv.deletePod('shop', first);
    await k.waitStderr((s) => (s.match(/^\+ /gm) ?? []).length === 3, 'the third attaches when a slot frees');
    assert.equal((k.stderr().match(/raise --max-log-requests/g) ?? []).length, 1, 'said once');
    k.kill('SIGTERM');
    assert.equal(await k.done, 143);
  });

  it('--stdin formats standard input with no kubeconfig at all', async () => {
    const k = runKstern(['--stdin', '-i', 'keep', '--template', '> {{.Message}}'], {
      homeDir: '/nonexistent',
      stdin: 'keep me\ndrop me\nkeep too',
    });
    assert.equal(await k.done, 0);
    assert.equal(k.stdout(), '> keep me\n> keep too\n');
    assert.equal(k.stderr(), '');
  });
});

describe('config file', () => {
  it('supplies defaults; the command line wins; --config wins over KSTERNCONFIG', async () => {
    const cfgFile = join(dir, 'kstern.yaml');
    await writeFile(
      cfgFile,
      'tail: 1\noutput: raw\nno-follow: true\nnamespace: [shop]\ncontainer: sidecar\nmystery: 1\n',
    );
    const other = join(dir, 'other.yaml');
    await writeFile(other, 'output: json\n');
    const r = await once(['multi', '--config', cfgFile, '-c', 'server'], { env: { KSTERNCONFIG: other } });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      r.lines,
      ['{"level":"warn","msg":"slow"}'],
      'tail 1 and raw from the file, -c from the command line',
    );
    assert.equal(
      r.err.split('\n')[0],
      `kstern: warning: unknown option in config file "${cfgFile}": mystery`,
    );
    const viaEnv = await once(['multi', '-c', 'sidecar', '--no-follow'], { env: { KSTERNCONFIG: other } });
    assert.equal(JSON.parse(viaEnv.lines[0]!).message, 'proxy up');
  });

  it('takes context and kubeconfig from the file', async () => {
    const cfgFile = join(dir, 'ctx.yaml');
    await writeFile(cfgFile, `kubeconfig: ${kc}\nnamespace: billing\n`);
    const k = runKstern(['db', '--no-follow', '--config', cfgFile], { homeDir: dir });
    assert.equal(await k.done, 0, k.stderr());
    assert.equal(k.lines().length, 3);
  });
});
