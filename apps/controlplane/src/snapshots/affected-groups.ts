// Which groups a batch of store changes can affect: the index from objects to
// proxy groups. Workloads are by far the most frequent change (endpoints come and
// go), and a Workload can only change the endpoints of its Service's clusters, its
// own sidecar's inbound side and its Service's proxyless server Listeners. So a
// batch of Workload changes rebuilds only the groups whose snapshot has endpoints
// of an affected Service, or that belong to that Service; any other kind of change
// (routes, policies, Services, Gateways, Mesh, ...) rebuilds every watched group.
import type { ValidatedObject } from '@crossway/model';
import { TYPE_URLS, type ProxyNode, type ProxySnapshot } from '../contracts';

export type ChangeScope =
  { all: true } | { all: false; services: Set<string>; workloads: Set<string> };

export function emptyScope(): ChangeScope {
  return { all: false, services: new Set(), workloads: new Set() };
}

function workloadService(object: ValidatedObject): string | undefined {
  const spec = object.spec as { service?: unknown };
  return typeof spec.service === 'string'
    ? `${object.metadata.namespace ?? ''}/${spec.service}`
    : undefined;
}

/** Widens `scope` by one changed object (before and after the change; either may be absent). */
export function widenScope(
  scope: ChangeScope,
  kind: string,
  before: ValidatedObject | undefined,
  after: ValidatedObject | undefined,
): ChangeScope {
  if (scope.all) return scope;
  if (kind !== 'Workload') return { all: true };
  for (const object of [before, after]) {
    if (!object) continue;
    const service = workloadService(object);
    if (service !== undefined) scope.services.add(service);
    scope.workloads.add(`${object.metadata.namespace ?? ''}/${object.metadata.name}`);
  }
  return scope;
}

/** "outbound|<port>||<name>.<namespace>" -> "namespace/name". */
function serviceOfCluster(cluster: string): string | undefined {
  const match = /^outbound\|\d+\|\|([^.|]+)\.([^.|]+)$/.exec(cluster);
  return match ? `${match[2]}/${match[1]}` : undefined;
}

export function groupAffected(
  scope: ChangeScope,
  node: ProxyNode,
  current: ProxySnapshot | undefined,
): boolean {
  if (scope.all || !current) return true;
  if (node.service !== undefined && scope.services.has(node.service)) return true;
  if (node.workload !== undefined && node.service !== undefined) {
    const namespace = node.service.split('/')[0] ?? '';
    if (scope.workloads.has(`${namespace}/${node.workload}`)) return true;
  }
  const endpoints = current.types.get(TYPE_URLS.endpoints);
  for (const name of endpoints?.entries.keys() ?? []) {
    const service = serviceOfCluster(name);
    if (service !== undefined && scope.services.has(service)) return true;
  }
  return false;
}
