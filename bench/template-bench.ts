// Throughput of compiled templates (not a test): npx tsx bench/template-bench.ts
import { compileTemplate } from '@kstern/gotemplate';

const log = {
  Message: 'GET /healthz 200 1.2ms',
  Timestamp: '',
  NodeName: 'node1',
  Namespace: 'ns1',
  PodName: 'my-pod-7d9f',
  ContainerName: 'app',
  Labels: { app: 'nginx' },
  Annotations: null,
  PodColor: { params: '96' },
  ContainerColor: { params: '36' },
};
const tpls = {
  default:
    '{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{if .Timestamp}}{{.Timestamp}} {{end}}{{.Message}}\n',
  json: '{{json .}}\n',
  parse:
    '{{with $m := .Message | tryParseJSON}}{{levelColor $m.level}} {{$m.msg}}{{else}}{{.Message}}{{end}}\n',
};
for (const [name, src] of Object.entries(tpls))
  for (const color of [true, false]) {
    const t = compileTemplate(src, { color });
    const N = 100000;
    for (let i = 0; i < 10000; i++) t.execute(log);
    const t0 = process.hrtime.bigint();
    let n = 0;
    for (let i = 0; i < N; i++) n += t.execute(log).length;
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(name, color ? 'color' : 'plain', Math.round(N / dt).toLocaleString('en-US'), 'lines/s', n);
  }
{
  const t = compileTemplate(
    '{{ with $m := .Message | tryParseJSON }}[{{ colorGreen (toRFC3339Nano (toUTC $m.ts)) }}] {{ levelColor $m.level }} {{ $m.msg }}{{ else }}{{ .Message }}{{ end }}\n',
    { color: true },
  );
  const l = {
    ...log,
    Message:
      '{"ts": 1700000000.123, "level": "info", "msg": "request served", "path": "/api/v1/items", "status": 200}',
  };
  const N = 100000;
  for (let i = 0; i < 5000; i++) t.execute(l);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) t.execute(l);
  console.log(
    'test.tpl on JSON lines',
    Math.round(N / (Number(process.hrtime.bigint() - t0) / 1e9)).toLocaleString('en-US'),
    'lines/s',
    t.execute(l),
  );
}
