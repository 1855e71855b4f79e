// Runs a client.authentication.k8s.io exec credential plugin the way client-go does, with the
// guarantees client-node 1.4.0's ExecAuth lacks (its plugin gets a stdin pipe that is never closed, may
// run forever, outlives kstern, and a non-JSON answer is quoted in the error):
// - stdin: the terminal for an interactive plugin (interactiveMode Always, or IfAvailable when stdin
//   is a terminal), otherwise nothing (/dev/null: a plugin that reads it sees EOF at once);
// - stdout is read (up to 1 MiB) and must be an ExecCredential; stderr goes to the user, as kubectl does;
// - a time limit, and an AbortSignal (kstern exiting): either kills the plugin (SIGKILL) and waits for it
//   to be gone before failing;
// - KUBERNETES_EXEC_INFO in the environment, as client-go sets it.
// Error messages name the command as written in the kubeconfig, never its arguments or its output.
import { spawn } from 'node:child_process';
import type { Cluster } from '@kubernetes/client-node';
import { bufferFromFileOrString } from '@kubernetes/client-node';

/** The `exec` section of a kubeconfig user (client-go's ExecConfig). */
export interface ExecConfig {
  command?: unknown;
  args?: unknown;
  env?: unknown;
  apiVersion?: unknown;
  installHint?: unknown;
  interactiveMode?: unknown;
  provideClusterInfo?: unknown;
}

/** What the plugin handed out. */
export interface ExecCredential {
  token?: string;
  /** PEM client certificate and key (both or neither). */
  cert?: string;
  key?: string;
  /** ms since the epoch; undefined when the plugin gave no expirationTimestamp. */
  expiresAt?: number;
}

export interface ExecRunOptions {
  /** The environment the plugin inherits (the exec config's env and KUBERNETES_EXEC_INFO are added). */
  env: Record<string, string | undefined>;
  /** Whether kstern's standard input is a terminal. */
  stdinIsTTY: boolean;
  timeoutMs: number;
  /** Aborting kills the plugin. */
  signal: AbortSignal;
  /** Receives the plugin's stderr; without it the plugin writes to kstern's stderr directly. */
  stderr?: ((chunk: Buffer) => void) | undefined;
  /** For provideClusterInfo. */
  cluster?: Cluster | null | undefined;
}

export class ExecPluginError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'ExecPluginError';
    this.code = code;
  }
}

const MAX_STDOUT = 1 << 20;

/** 500ms, 30s, 5m, 1m30s. */
export function formatDuration(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s}s`;
  return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m${s % 60}s`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Whether the plugin gets the terminal as stdin (client-go's interactive decision). */
function interactiveFor(exec: ExecConfig, name: string, stdinIsTTY: boolean): boolean {
  const mode = exec.interactiveMode ?? 'IfAvailable';
  switch (mode) {
    case 'Never':
      return false;
    case 'IfAvailable':
      return stdinIsTTY;
    case 'Always':
      if (!stdinIsTTY) {
        throw new ExecPluginError(
          `exec plugin ${name} needs a terminal (interactiveMode: Always) but standard input is not one`,
          'ENOTTY',
        );
      }
      return true;
    default:
      throw new ExecPluginError(
        `exec plugin ${name} has an invalid interactiveMode ${JSON.stringify(mode)} (Never, IfAvailable or Always)`,
        'EINVAL',
      );
  }
}

/** The ExecCredential client-go puts in KUBERNETES_EXEC_INFO. */
function execInfo(
  exec: ExecConfig,
  apiVersion: string,
  interactive: boolean,
  cluster: Cluster | null | undefined,
) {
  const spec: Record<string, unknown> = { interactive };
  if (exec.provideClusterInfo === true && cluster) {
    const ca = bufferFromFileOrString(cluster.caFile, cluster.caData);
    spec['cluster'] = {
      server: cluster.server,
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(ca ? { 'certificate-authority-data': ca.toString('base64') } : {}),
      ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
    };
  }
  return JSON.stringify({ apiVersion, kind: 'ExecCredential', spec });
}

function envFor(exec: ExecConfig, base: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  if (Array.isArray(exec.env)) {
    for (const e of exec.env as unknown[]) {
      const { name, value } = (e ?? {}) as { name?: unknown; value?: unknown };
      if (typeof name === 'string' && name !== '') env[name] = typeof value === 'string' ? value : '';
    }
  }
  return env;
}

/** Checks what the plugin printed; messages never quote it (it may hold a token). */
function parseCredential(out: string, exec: ExecConfig, name: string): ExecCredential {
  let v: unknown;
  try {
    v = JSON.parse(out);
  } catch {
    throw new ExecPluginError(
      `exec plugin ${name} printed invalid JSON on stdout (an ExecCredential was expected)`,
      'EBADCREDENTIAL',
    );
  }
  const obj = v as { kind?: unknown; apiVersion?: unknown; status?: unknown };
  if (typeof v !== 'object' || v === null || Array.isArray(v) || obj.kind !== 'ExecCredential') {
    throw new ExecPluginError(
      `exec plugin ${name} printed JSON that is not an ExecCredential`,
      'EBADCREDENTIAL',
    );
  }
  if (typeof exec.apiVersion === 'string' && obj.apiVersion !== exec.apiVersion) {
    throw new ExecPluginError(
      `exec plugin ${name} returned apiVersion ${JSON.stringify(obj.apiVersion ?? '')}, but the kubeconfig asks for ${JSON.stringify(exec.apiVersion)}`,
      'EBADCREDENTIAL',
    );
  }
  const st = (typeof obj.status === 'object' && obj.status !== null ? obj.status : {}) as Record<
    string,
    unknown
  >;
  const str = (k: string) => (typeof st[k] === 'string' && st[k] !== '' ? (st[k] as string) : undefined);
  const token = str('token');
  const cert = str('clientCertificateData');
  const key = str('clientKeyData');
  if ((cert === undefined) !== (key === undefined)) {
    throw new ExecPluginError(
      `exec plugin ${name} returned a client certificate without its key, or a key without its certificate`,
      'EBADCREDENTIAL',
    );
  }
  if (token === undefined && cert === undefined) {
    throw new ExecPluginError(
      `exec plugin ${name} returned neither a token nor a client certificate`,
      'EBADCREDENTIAL',
    );
  }
  const cred: ExecCredential = {};
  if (token !== undefined) cred.token = token;
  if (cert !== undefined && key !== undefined) {
    cred.cert = cert;
    cred.key = key;
  }
  const exp = str('expirationTimestamp');
  if (exp !== undefined) {
    const t = Date.parse(exp);
    if (Number.isNaN(t)) {
      throw new ExecPluginError(
        `exec plugin ${name} returned an invalid expirationTimestamp`,
        'EBADCREDENTIAL',
      );
    }
    cred.expiresAt = t;
  }
  return cred;
}

/** Runs the plugin once and returns its credential; every failure is an ExecPluginError of one line. */
export function runExecPlugin(exec: ExecConfig, o: ExecRunOptions): Promise<ExecCredential> {
  if (typeof exec.command !== 'string' || exec.command === '') {
    return Promise.reject(new ExecPluginError('the exec plugin has no command', 'EINVAL'));
  }
  const command = exec.command;
  const name = JSON.stringify(command);
  let interactive: boolean;
  try {
    interactive = interactiveFor(exec, name, o.stdinIsTTY);
  } catch (e) {
    return Promise.reject(e);
  }
  if (o.signal.aborted)
    return Promise.reject(new ExecPluginError(`exec plugin ${name} was not run: stopping`, 'ABORT_ERR'));
  const env = envFor(exec, o.env);
  if (typeof exec.apiVersion === 'string' && exec.apiVersion !== '') {
    env['KUBERNETES_EXEC_INFO'] = execInfo(exec, exec.apiVersion, interactive, o.cluster);
  }
  const args = Array.isArray(exec.args) ? (exec.args as unknown[]).map(String) : [];
  return new Promise<ExecCredential>((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', o.stderr ? 'pipe' : 'inherit'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let exited = false;
    /** Why kstern stopped the plugin, once it did. */
    let stopped: ExecPluginError | undefined;
    let settled = false;
    const finish = (err: Error | undefined, cred?: ExecCredential) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (err !== undefined) reject(err);
      else resolve(cred ?? {});
    };
    /** Kills the plugin; the promise fails with `why` once the process is gone. */
    const stop = (why: ExecPluginError) => {
      if (stopped !== undefined || settled) return;
      stopped = why;
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (exited) finish(why);
      else child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        stop(
          new ExecPluginError(
            `exec plugin ${name} did not finish within ${formatDuration(o.timeoutMs)} and was stopped`,
            'ETIMEDOUT',
          ),
        ),
      o.timeoutMs,
    );
    const onAbort = () =>
      stop(new ExecPluginError(`exec plugin ${name} was stopped: kstern is exiting`, 'ABORT_ERR'));
    o.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > MAX_STDOUT) {
        stop(new ExecPluginError(`exec plugin ${name} printed more than 1 MiB on stdout`, 'EBADCREDENTIAL'));
        return;
      }
      out.push(b);
    });
    child.stdout?.on('error', () => {});
    if (o.stderr) {
      const sink = o.stderr;
      child.stderr?.on('data', (b: Buffer) => sink(b));
      child.stderr?.on('error', () => {});
    }
    child.on('error', (e: NodeJS.ErrnoException) => {
      exited = true;
      if (stopped !== undefined) {
        finish(stopped);
        return;
      }
      if (e.code === 'ENOENT') {
        const hint = typeof exec.installHint === 'string' ? oneLine(exec.installHint) : '';
        const msg = `exec plugin ${name} was not found (is it installed and on PATH?)`;
        finish(new ExecPluginError(hint === '' ? msg : `${msg}: ${hint}`, 'ENOENT'));
        return;
      }
      const why = e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
      finish(new ExecPluginError(`exec plugin ${name} could not be started: ${why}`, e.code ?? 'ESPAWN'));
    });
    child.on('exit', () => {
      exited = true;
      if (stopped !== undefined) finish(stopped);
    });
    child.on('close', (code, sig) => {
      exited = true;
      if (stopped !== undefined) {
        finish(stopped);
        return;
      }
      if (sig !== null) {
        finish(new ExecPluginError(`exec plugin ${name} was killed by ${sig}`, 'ECREDENTIALS'));
        return;
      }
      if (code !== 0) {
        finish(new ExecPluginError(`exec plugin ${name} failed with exit code ${code}`, 'ECREDENTIALS'));
        return;
      }
      try {
        finish(undefined, parseCredential(Buffer.concat(out).toString('utf8'), exec, name));
      } catch (e) {
        finish(e as Error);
      }
    });
  });
}
