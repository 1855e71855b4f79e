// In-cluster configuration, like client-go's rest.InClusterConfig: inside a pod, with no kubeconfig, the
// API server is https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT and the pod's service account
// supplies the credentials: its token file (handed on as a token-file, which is re-read every minute and
// after a 401, so a rotated projected token is picked up), its ca.crt and its namespace.
// The directory is /var/run/secrets/kubernetes.io/serviceaccount, or $KSTERN_SERVICEACCOUNT_DIR (tests).
import { constants as fsConstants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, UserError } from '../util/errors.ts';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The context, cluster and user name of an in-cluster configuration. */
export const IN_CLUSTER = 'in-cluster';

export interface InCluster {
  /** https://host:port */
  server: string;
  /** The service account's token file (absolute). */
  tokenFile: string;
  /** ca.crt, when it can be read (client-go, too, goes on with the system CAs without it). */
  caFile?: string;
  /** $POD_NAMESPACE, else the service account's namespace file, else undefined. */
  namespace?: string;
  dir: string;
}

/** Why the environment is not a pod's (for the "no kubeconfig" message). */
export function notInClusterReason(env: Record<string, string | undefined>): string {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host && !port) return 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set';
  return `${host ? 'KUBERNETES_SERVICE_PORT' : 'KUBERNETES_SERVICE_HOST'} is not set`;
}

async function readable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The in-cluster configuration, or undefined when KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT
 * is unset. A token file that cannot be read is a UserError naming it.
 */
export async function inClusterConfig(
  env: Record<string, string | undefined>,
): Promise<InCluster | undefined> {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) return undefined;
  const dir = env['KSTERN_SERVICEACCOUNT_DIR'] || SERVICE_ACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  try {
    await access(tokenFile, fsConstants.R_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(e);
    throw new UserError(
      `in-cluster configuration (KUBERNETES_SERVICE_HOST is set): cannot read the service account token "${tokenFile}": ${why}`,
      1,
    );
  }
  const caFile = join(dir, 'ca.crt');
  let namespace = env['POD_NAMESPACE'] || undefined;
  if (namespace === undefined) {
    try {
      namespace = (await readFile(join(dir, 'namespace'), 'utf8')).trim() || undefined;
    } catch {
      // no namespace file: the default namespace
    }
  }
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    server: `https://${hostPort}`,
    tokenFile,
    ...((await readable(caFile)) ? { caFile } : {}),
    ...(namespace === undefined ? {} : { namespace }),
    dir,
  };
}
