// Which groups a batch of store changes can affect: the index from objects to
// proxy groups. Each group remembers its scope when it is built: the Gateway of an
// edge; for a mesh proxy the Services it may reach (or "every Service" when it
// declares no dependencies). Then:
// - a Workload can only change the endpoints of its Service, its own sidecar's
//   inbound side and its Service's proxyless server Listeners: it rebuilds the groups
//   with that Service in scope or among their clusters, and its own sidecar's group;
// - a route (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute) reaches proxies only through
//   its parents: it rebuilds the edges of its parent Gateways and the mesh proxies
//   with a parent Service in scope (before and after the change);
// - anything else (Services, Gateways, policies, grants, Secrets, Mesh) rebuilds
//   every watched group.
import type { ValidatedObject } from '@crossway/model';
import { reachableServices, serviceIndex, type ResolvedPolicy } from '@crossway/policy';
import { TYPE_URLS, type ProxyNode, type ProxySnapshot } from '../contracts';

export type ChangeScope =
  | { all: true }
  | {
      all: false;
      /** Services whose endpoints or routes changed. */
      services: Set<string>;
      /** Services whose Workloads changed (their own proxies' inbound side and server Listeners). */
      owners: Set<string>;
      workloads: Set<string>;
      gateways: Set<string>;
      /** Only Workloads changed: endpoints can be patched (endpoint-patch.ts). */
      onlyWorkloads: boolean;
    };

/** What a group's config depends on, as of its last build. */
export interface GroupScope {
  gateway?: string;
  /** "every": a mesh proxy without declared dependencies sees every Service. */
  services: ReadonlySet<string> | 'every';
}

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute']);

export function emptyScope(): ChangeScope {
  return {
    all: false,
    services: new Set(),
    owners: new Set(),
    workloads: new Set(),
    gateways: new Set(),
    onlyWorkloads: true,
  };
}

function workloadService(object: ValidatedObject): string | undefined {
  const spec = object.spec as { service?: unknown };
  return typeof spec.service === 'string'
    ? `${object.metadata.namespace ?? ''}/${spec.service}`
    : undefined;
}

function routeParents(object: ValidatedObject): { kind: string; key: string }[] {
  const spec = object.spec as {
    parentRefs?: { kind?: string; name: string; namespace?: string }[];
  };
  return (spec.parentRefs ?? []).map((ref) => ({
    kind: ref.kind ?? 'Gateway',
    key: `${ref.namespace ?? object.metadata.namespace ?? ''}/${ref.name}`,
  }));
}

/** Widens `scope` by one changed object (before and after the change; either may be absent). */
export function widenScope(
  scope: ChangeScope,
  kind: string,
  before: ValidatedObject | undefined,
  after: ValidatedObject | undefined,
): ChangeScope {
  if (scope.all) return scope;
  if (kind === 'Workload') {
    for (const object of [before, after]) {
      if (!object) continue;
      const service = workloadService(object);
      if (service !== undefined) {
        scope.services.add(service);
        scope.owners.add(service);
      }
      scope.workloads.add(`${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    }
    return scope;
  }
  if (ROUTE_KINDS.has(kind)) {
    scope.onlyWorkloads = false;
    for (const object of [before, after])
      for (const parent of object ? routeParents(object) : [])
        (parent.kind === 'Service' ? scope.services : scope.gateways).add(parent.key);
    return scope;
  }
  return { all: true };
}

/** The scope of a group's config under `resolved`. */
export function groupScope(resolved: ResolvedPolicy, node: ProxyNode): GroupScope {
  if (node.role === 'edge')
    return { ...(node.gateway ? { gateway: node.gateway } : {}), services: new Set() };
  if (node.service === undefined) return { services: 'every' }; // a pure proxyless client
  const self = serviceIndex(resolved).get(node.service);
  if (!self || !self.dependencies) return { services: 'every' };
  // Its own Service counts through its Workloads (owners), not here: routes on it
  // change what its callers do, not the proxy itself.
  return {
    services: new Set(reachableServices(resolved, self).map((s) => `${s.namespace}/${s.name}`)),
  };
}

/** "outbound|<port>||<name>.<namespace>" -> "namespace/name". */
export function serviceOfCluster(cluster: string): string | undefined {
  const match = /^outbound\|\d+\|\|([^.|]+)\.([^.|]+)$/.exec(cluster);
  return match ? `${match[2]}/${match[1]}` : undefined;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const item of a) if (b.has(item)) return true;
  return false;
}

export function groupAffected(
  change: ChangeScope,
  node: ProxyNode,
  current: ProxySnapshot | undefined,
  scope: GroupScope | undefined,
): boolean {
  if (change.all || !current || !scope) return true;
  if (node.gateway !== undefined && change.gateways.has(node.gateway)) return true;
  if (change.services.size === 0 && change.workloads.size === 0) return false;
  if (node.service !== undefined && change.owners.has(node.service)) return true;
  if (node.workload !== undefined && node.service !== undefined) {
    const namespace = node.service.split('/')[0] ?? '';
    if (change.workloads.has(`${namespace}/${node.workload}`)) return true;
  }
  if (node.role !== 'edge') {
    if (scope.services === 'every') return change.services.size > 0;
    if (intersects(change.services, scope.services)) return true;
  }
  const services = endpointServices(current);
  for (const service of change.services) if (services.has(service)) return true;
  return false;
}

const endpointServicesOf = new WeakMap<ProxySnapshot, ReadonlySet<string>>();

/** The Services whose endpoints a snapshot holds (once per snapshot object). */
function endpointServices(snapshot: ProxySnapshot): ReadonlySet<string> {
  let services = endpointServicesOf.get(snapshot);
  if (!services) {
    const found = new Set<string>();
    for (const name of snapshot.types.get(TYPE_URLS.endpoints)?.entries.keys() ?? []) {
      const service = serviceOfCluster(name);
      if (service !== undefined) found.add(service);
    }
    services = found;
    endpointServicesOf.set(snapshot, services);
  }
  return services;
}
