// Legacy discovery documents (kubectl falls back to these when the aggregated format is not offered).
import { WORKLOAD_RESOURCES } from './workloads.ts';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface Res {
  name: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs?: string[];
  categories?: string[];
}

function resource(r: Res) {
  const sub = r.name.includes('/');
  return {
    name: r.name,
    singularName: sub ? '' : r.kind.toLowerCase(),
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs ?? VERBS,
    ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function resourceList(groupVersion: string, resources: Res[]) {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: resources.map(resource) };
}

function workloadResources(group: string): Res[] {
  return WORKLOAD_RESOURCES.filter((w) => w.group === group).map((w) => ({
    name: w.resource,
    kind: w.kind,
    namespaced: true,
    shortNames: w.shortNames,
    categories: ['all'],
  }));
}

export function coreV1() {
  return resourceList('v1', [
    { name: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'] },
    { name: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'] },
    { name: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'] },
    { name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
    { name: 'pods/status', kind: 'Pod', namespaced: true, verbs: ['get', 'patch', 'update'] },
    ...workloadResources(''),
  ]);
}

export const GROUPS = ['apps', 'batch'];

function group(name: string) {
  const gv = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [gv], preferredVersion: gv };
}

export const apiGroupList = () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map(group) });
export const apiGroup = (name: string) => ({ kind: 'APIGroup', apiVersion: 'v1', ...group(name) });
export const groupV1 = (name: string) => resourceList(`${name}/v1`, workloadResources(name));
