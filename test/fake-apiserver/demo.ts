// Demo: a fake cluster with a `service` Deployment (3 pods x containers server + gateway) producing
// realistic logs, one pod replaced every ~8 s, and kstern tailing it.
//
//   tsx test/fake-apiserver/demo.ts [kstern args...]   runs `node bin/kstern.js service --kubeconfig <f> [args]`
//   tsx test/fake-apiserver/demo.ts --server-only      prints KUBECONFIG=<file> and keeps serving
//   KSTERN_DEMO_CMD='kubectl logs -f -l app=service --all-containers --prefix' tsx test/fake-apiserver/demo.ts
//        runs that command line through /bin/sh instead (KUBECONFIG points at the fake cluster)
//
// A banner on stderr names the cluster's address, the command and its pid. Exits with the child's exit
// code; SIGINT, SIGTERM and SIGHUP (the terminal closing) are forwarded to the child's process group
// (it runs in its own, so a terminal's Ctrl-C reaches it exactly once), and the child is killed if it
// has not ended 5 s later or when this process exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type FakeApiServer, startFakeApiServer } from './index.ts';

const HASH = '7d9f8b6c4';
const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const pick = <T>(xs: readonly T[]): T => xs[randomInt(xs.length)]!;
const suffix = () => Array.from({ length: 5 }, () => pick([...SUFFIX_CHARS])).join('');

const PATHS = [
  '/api/v1/orders',
  '/api/v1/orders/{id}',
  '/api/v1/users/{id}',
  '/healthz',
  '/metrics',
  '/api/v1/cart',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64)',
  'curl/8.5.0',
  'kube-probe/1.32',
  'Go-http-client/2.0',
  'okhttp/4.12.0',
];

function gatewayLine(): string {
  const path = pick(PATHS).replace('{id}', String(randomInt(1000, 99999)));
  const method = path.startsWith('/api') ? pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']) : 'GET';
  const status =
    path === '/healthz' || path === '/metrics'
      ? 200
      : pick([200, 200, 200, 200, 201, 204, 304, 400, 404, 500, 503]);
  const d = new Date();
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const ts = `${String(d.getUTCDate()).padStart(2, '0')}/${month}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)}`;
  const ip = `10.244.${randomInt(0, 4)}.${randomInt(2, 250)}`;
  return `${ip} - - [${ts} +0000] "${method} ${path} HTTP/1.1" ${status} ${randomInt(0, 8192)} "-" "${pick(AGENTS)}" rt=${(randomInt(1, 900) / 1000).toFixed(3)}`;
}

const SERVER_MESSAGES: [string, () => string][] = [
  [
    'INFO',
    () =>
      `order created order_id=${randomInt(1e5, 1e6)} items=${randomInt(1, 9)} total=${(randomInt(100, 99999) / 100).toFixed(2)}`,
  ],
  ['INFO', () => `user login user_id=${randomInt(1, 5000)} method=${pick(['password', 'oauth', 'sso'])}`],
  [
    'DEBUG',
    () => `cache ${pick(['hit', 'miss'])} key=product:${randomInt(1, 800)} ttl=${randomInt(10, 300)}s`,
  ],
  [
    'INFO',
    () =>
      `request handled path=${pick(PATHS).replace('{id}', String(randomInt(1, 999)))} duration=${randomInt(1, 400)}ms`,
  ],
  [
    'WARN',
    () => `slow query table=${pick(['orders', 'users', 'inventory'])} duration=${randomInt(500, 3000)}ms`,
  ],
  [
    'ERROR',
    () =>
      `payment provider timeout provider=${pick(['stripe', 'adyen'])} attempt=${randomInt(1, 4)} err="context deadline exceeded"`,
  ],
  [
    'INFO',
    () =>
      `connection pool stats active=${randomInt(1, 20)} idle=${randomInt(0, 10)} waiting=${randomInt(0, 3)}`,
  ],
];

function serverLine(): string {
  const r = randomInt(100);
  const [level, msg] =
    r < 55 ? SERVER_MESSAGES[randomInt(4)]! : r < 93 ? pick(SERVER_MESSAGES) : SERVER_MESSAGES[5]!;
  return `${new Date().toISOString()} ${level.padEnd(5)} ${msg()}`;
}

/** Runs the fake cluster: pods with log generators and periodic pod replacement. Returns a stop function. */
export function runCluster(
  srv: FakeApiServer,
  o: { replaceEveryMs?: number; pods?: number } = {},
): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const rs = srv.createWorkload('ReplicaSet', {
    name: `service-${HASH}`,
    selector: { matchLabels: { app: 'service', 'pod-template-hash': HASH } },
  });
  srv.createWorkload('Deployment', { name: 'service', selector: { matchLabels: { app: 'service' } } });
  const live: string[] = [];
  const addPod = () => {
    const name = `service-${HASH}-${suffix()}`;
    srv.createPod({
      name,
      labels: { app: 'service', 'pod-template-hash': HASH },
      containers: ['server', 'gateway'],
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    live.push(name);
    srv.appendLog(
      'default',
      name,
      'server',
      `${new Date().toISOString()} INFO  starting server version=1.4.2 port=8080`,
    );
    for (const [container, line] of [
      ['server', serverLine],
      ['gateway', gatewayLine],
    ] as const) {
      const tick = () => {
        if (!srv.getPod('default', name)) return;
        try {
          srv.appendLog('default', name, container, line());
        } catch {
          return;
        }
        schedule();
      };
      const schedule = () => {
        const t = setTimeout(
          () => {
            timers.delete(t);
            tick();
          },
          randomInt(150, 700),
        );
        timers.add(t);
      };
      schedule();
    }
  };
  for (let i = 0; i < (o.pods ?? 3); i++) addPod();
  const replace = setInterval(() => {
    const victim = live.shift();
    if (victim) {
      srv.appendLog(
        'default',
        victim,
        'server',
        `${new Date().toISOString()} INFO  received SIGTERM, shutting down`,
      );
      srv.deletePod('default', victim);
    }
    addPod();
  }, o.replaceEveryMs ?? 8000);
  timers.add(replace);
  return () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}

const SIGNAL_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type DemoSignal = keyof typeof SIGNAL_CODES;

/** The banner on stderr (stdout is the command's): where the cluster is and how to use it. */
function banner(url: string, kubeconfig: string, running: string | undefined): string {
  const lines = [
    `kstern demo: a fake Kubernetes cluster at ${url}`,
    '  3 pods of deployment/service (containers server, gateway); one pod is replaced every ~8 s',
  ];
  if (running !== undefined) lines.push(`  running: ${running}`);
  lines.push(
    `  your own kstern against it: KUBECONFIG=${kubeconfig} kstern service`,
    '  (npm run demo -- --server-only serves the cluster alone)',
    running === undefined ? '  Ctrl-C stops it.' : '  Ctrl-C (or closing the terminal) stops both.',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const serverOnly = argv.includes('--server-only');
  const extra = argv.filter((a) => a !== '--server-only');
  const srv = await startFakeApiServer();
  const stopCluster = runCluster(srv);
  const kubeconfig = await srv.writeKubeconfig();
  let child: ChildProcess | undefined;
  const childRunning = () => child?.pid !== undefined && child.exitCode === null && child.signalCode === null;
  /** Signals the child's process group: the command and anything it started. */
  const signalChild = (sig: NodeJS.Signals) => {
    if (!childRunning()) return;
    try {
      process.kill(-child!.pid!, sig);
    } catch {
      // already gone
    }
  };
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    stopCluster();
    await srv.close();
    process.exit(code);
  };
  // However this process ends, the command must not outlive the cluster it tails.
  process.on('exit', () => signalChild('SIGTERM'));
  for (const sig of Object.keys(SIGNAL_CODES) as DemoSignal[]) {
    process.on(sig, () => {
      if (!childRunning()) {
        void shutdown(SIGNAL_CODES[sig]);
        return;
      }
      // The child runs in its own process group, so a terminal's Ctrl-C or hang-up reaches it only
      // through here, exactly once. It exits after printing its detach lines; if it has not after 5 s
      // (a hung terminal), it is killed.
      signalChild(sig);
      setTimeout(() => signalChild('SIGKILL'), 5000).unref();
    });
  }
  if (serverOnly) {
    process.stderr.write(banner(srv.url, kubeconfig, undefined));
    process.stdout.write(`KUBECONFIG=${kubeconfig}\n`);
    return;
  }
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const custom = process.env['KSTERN_DEMO_CMD'];
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const bin = fileURLToPath(new URL('../../bin/kstern.js', import.meta.url));
  const kstern = ['service', '--kubeconfig', kubeconfig, ...extra];
  child = custom
    ? spawn('/bin/sh', ['-c', [custom, ...extra.map(quote)].join(' ')], {
        stdio: 'inherit',
        env,
        detached: true,
      })
    : spawn(process.execPath, [bin, ...kstern], { stdio: 'inherit', env, detached: true });
  const shown = custom
    ? [custom, ...extra.map(quote)].join(' ')
    : ['node', 'bin/kstern.js', ...kstern].join(' ');
  process.stderr.write(banner(srv.url, kubeconfig, `${shown}   (pid ${child.pid})`));
  child.on('error', (e) => {
    process.stderr.write(`demo: cannot start the command: ${e.message}\n`);
    void shutdown(127);
  });
  child.on('exit', (code, signal) => {
    const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15, SIGKILL: 9, SIGPIPE: 13 };
    void shutdown(code ?? 128 + (signal ? (signals[signal] ?? 1) : 1));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
