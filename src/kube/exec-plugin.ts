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
import { type ChildProcess, spawn } from 'node:child_process';
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

/** The status of the ExecCredential the plugin printed ({} when it has none); messages never quote it. */
function credentialStatus(out: string, exec: ExecConfig, name: string): Record<string, unknown> {
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
  return (typeof obj.status === 'object' && obj.status !== null ? obj.status : {}) as Record<string, unknown>;
}

/** Checks what the plugin printed; messages never quote it (it may hold a token). */
function parseCredential(out: string, exec: ExecConfig, name: string): ExecCredential {
  const st = credentialStatus(out, exec, name);
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

/** The checks made before anything runs; every failure is an ExecPluginError. */
function checkRunnable(
  exec: ExecConfig,
  o: ExecRunOptions,
): { command: string; name: string; interactive: boolean } {
  if (typeof exec.command !== 'string' || exec.command === '') {
    throw new ExecPluginError('the exec plugin has no command', 'EINVAL');
  }
  const command = exec.command;
  const name = JSON.stringify(command);
  const interactive = interactiveFor(exec, name, o.stdinIsTTY);
  if (o.signal.aborted) throw new ExecPluginError(`exec plugin ${name} was not run: stopping`, 'ABORT_ERR');
  return { command, name, interactive };
}

/** Why the plugin could not be started (the child process's 'error' event). */
function spawnError(e: NodeJS.ErrnoException, exec: ExecConfig, name: string): ExecPluginError {
  if (e.code === 'ENOENT') {
    const hint = typeof exec.installHint === 'string' ? oneLine(exec.installHint) : '';
    const msg = `exec plugin ${name} was not found (is it installed and on PATH?)`;
    return new ExecPluginError(hint === '' ? msg : `${msg}: ${hint}`, 'ENOENT');
  }
  const why = e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
  return new ExecPluginError(`exec plugin ${name} could not be started: ${why}`, e.code ?? 'ESPAWN');
}

/** The credential of a plugin that ended on its own; throws an ExecPluginError when it failed. */
function credentialAtExit(
  code: number | null,
  sig: NodeJS.Signals | null,
  stdout: Buffer[],
  exec: ExecConfig,
  name: string,
): ExecCredential {
  if (sig !== null) throw new ExecPluginError(`exec plugin ${name} was killed by ${sig}`, 'ECREDENTIALS');
  if (code !== 0) {
    throw new ExecPluginError(`exec plugin ${name} failed with exit code ${code}`, 'ECREDENTIALS');
  }
  return parseCredential(Buffer.concat(stdout).toString('utf8'), exec, name);
}

/**
 * One running plugin, from spawn to the promise settling once: it reads stdout, forwards stderr, and
 * stops the plugin on the time limit, the signal, or too much output.
 */
class PluginRun {
  readonly #child: ChildProcess;
  readonly #exec: ExecConfig;
  readonly #name: string;
  readonly #o: ExecRunOptions;
  readonly #resolve: (cred: ExecCredential) => void;
  readonly #reject: (err: Error) => void;
  readonly #out: Buffer[] = [];
  #outBytes = 0;
  #exited = false;
  /** Why kstern stopped the plugin, once it did. */
  #stopped: ExecPluginError | undefined;
  #settled = false;
  readonly #timer: NodeJS.Timeout;
  readonly #onAbort = () =>
    this.#stop(new ExecPluginError(`exec plugin ${this.#name} was stopped: kstern is exiting`, 'ABORT_ERR'));

  constructor(
    child: ChildProcess,
    exec: ExecConfig,
    name: string,
    o: ExecRunOptions,
    resolve: (cred: ExecCredential) => void,
    reject: (err: Error) => void,
  ) {
    this.#child = child;
    this.#exec = exec;
    this.#name = name;
    this.#o = o;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#timer = setTimeout(() => this.#timedOut(), o.timeoutMs);
    o.signal.addEventListener('abort', this.#onAbort, { once: true });
    this.#readOutput();
    child.on('error', (e: NodeJS.ErrnoException) => this.#onError(e));
    child.on('exit', () => this.#onExit());
    child.on('close', (code, sig) => this.#onClose(code, sig));
  }

  #timedOut(): void {
    const limit = formatDuration(this.#o.timeoutMs);
    this.#stop(
      new ExecPluginError(
        `exec plugin ${this.#name} did not finish within ${limit} and was stopped`,
        'ETIMEDOUT',
      ),
    );
  }

  /** Collects stdout (more than MAX_STDOUT bytes stops the plugin); stderr goes to o.stderr if set. */
  #readOutput(): void {
    const child = this.#child;
    child.stdout?.on('data', (b: Buffer) => {
      this.#outBytes += b.length;
      if (this.#outBytes > MAX_STDOUT) {
        this.#stop(
          new ExecPluginError(
            `exec plugin ${this.#name} printed more than 1 MiB on stdout`,
            'EBADCREDENTIAL',
          ),
        );
        return;
      }
      this.#out.push(b);
    });
    child.stdout?.on('error', () => {});
    if (this.#o.stderr) {
      const sink = this.#o.stderr;
      child.stderr?.on('data', (b: Buffer) => sink(b));
      child.stderr?.on('error', () => {});
    }
  }

  /** The plugin could not be started, or could not be killed. */
  #onError(e: NodeJS.ErrnoException): void {
    this.#exited = true;
    this.#finish(this.#stopped ?? spawnError(e, this.#exec, this.#name));
  }

  /** The process is gone, though its output may still be arriving (see #onClose). */
  #onExit(): void {
    this.#exited = true;
    if (this.#stopped !== undefined) this.#finish(this.#stopped);
  }

  /** The process is gone and its stdout and stderr are closed. */
  #onClose(code: number | null, sig: NodeJS.Signals | null): void {
    this.#exited = true;
    if (this.#stopped !== undefined) {
      this.#finish(this.#stopped);
      return;
    }
    let cred: ExecCredential;
    try {
      cred = credentialAtExit(code, sig, this.#out, this.#exec, this.#name);
    } catch (e) {
      this.#finish(e as Error);
      return;
    }
    this.#finish(undefined, cred);
  }

  /** Kills the plugin; the promise fails with `why` once the process is gone. */
  #stop(why: ExecPluginError): void {
    if (this.#stopped !== undefined || this.#settled) return;
    this.#stopped = why;
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();
    if (this.#exited) this.#finish(why);
    else this.#child.kill('SIGKILL');
  }

  #finish(err: Error | undefined, cred?: ExecCredential): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#o.signal.removeEventListener('abort', this.#onAbort);
    if (err !== undefined) this.#reject(err);
    else this.#resolve(cred ?? {});
  }
}

/** Runs the plugin once and returns its credential; every failure is an ExecPluginError of one line. */
export function runExecPlugin(exec: ExecConfig, o: ExecRunOptions): Promise<ExecCredential> {
  let runnable: ReturnType<typeof checkRunnable>;
  try {
    runnable = checkRunnable(exec, o);
  } catch (e) {
    return Promise.reject(e);
  }
  const { command, name, interactive } = runnable;
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
    new PluginRun(child, exec, name, o, resolve, reject);
  });
}
