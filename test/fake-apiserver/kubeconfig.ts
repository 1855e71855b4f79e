// kubeconfig YAML pointing at the fake server.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';

export interface KubeconfigOptions {
  namespace?: string;
  context?: string;
  token?: string;
  user?: string;
  cluster?: string;
}

export function kubeconfigYaml(
  server: string,
  caPem: string,
  token: string,
  o: KubeconfigOptions = {},
): string {
  const cluster = o.cluster ?? 'fake-cluster';
  const user = o.user ?? 'fake-user';
  const context = o.context ?? 'fake';
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token: o.token ?? token } }],
    contexts: [
      {
        name: context,
        context: { cluster, user, ...(o.namespace === undefined ? {} : { namespace: o.namespace }) },
      },
    ],
    'current-context': context,
    preferences: {},
  });
}

/** Writes the YAML to `<tmpdir>/kstern-fake-XXXX/config`; returns the file path. */
export async function writeKubeconfigFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kstern-fake-'));
  const file = join(dir, 'config');
  await writeFile(file, text, { mode: 0o600 });
  return file;
}
