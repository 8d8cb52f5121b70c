// The end-to-end benchmark's workloads (issue 8): S, M, M-unscoped and the quick S,
// as synthetic policy sets (../synthetic-model) plus the proxies that connect to
// them (one sidecar per Service from svc-0 on, `edges` edge proxies of edge/public)
// and, per Service, which sidecars depend on it (who a change to it affects).
import {
  dependenciesOf,
  namespaceOf,
  serviceName,
  syntheticModel,
  type SyntheticOptions,
} from '../synthetic-model';

export type WorkloadName = 'quick' | 'S' | 'M' | 'M-unscoped';

export interface Workload {
  name: WorkloadName;
  model: SyntheticOptions;
  sidecars: number;
  edges: number;
  /** Sidecars see every Service (no dependencies). */
  unscoped: boolean;
}

const DEPENDENCIES = { min: 10, max: 50 };

export function workload(name: WorkloadName): Workload {
  const base = { endpoints: 5, namespaces: 10, dependencies: 0 };
  switch (name) {
    case 'quick':
      return {
        name,
        model: { ...base, services: 200, serviceDependencies: DEPENDENCIES },
        sidecars: 200,
        edges: 2,
        unscoped: false,
      };
    case 'S':
      return {
        name,
        model: { ...base, services: 1000, serviceDependencies: DEPENDENCIES },
        sidecars: 1000,
        edges: 10,
        unscoped: false,
      };
    case 'M':
      return {
        name,
        model: { ...base, services: 10_000, serviceDependencies: DEPENDENCIES },
        sidecars: 5000,
        edges: 10,
        unscoped: false,
      };
    case 'M-unscoped':
      // 100 sidecars, not 5,000: each one holds all 10,000 Services (20,000 clusters and
      // endpoint lists), so 5,000 would mean 100 million resources for the simulated
      // fleet to decode. Per-proxy figures compare with M's.
      return {
        name,
        model: { ...base, services: 10_000 },
        sidecars: 100,
        edges: 10,
        unscoped: true,
      };
  }
}

export const GATEWAY = 'edge/public';
/** An HTTPRoute on the Gateway only: the "edge route change" touches edges alone. */
export const EDGE_ONLY_ROUTE = { namespace: 'ns-0', name: 'edge-only' };

export function edgeOnlyRoute(timeout: string): Record<string, unknown> {
  return {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'HTTPRoute',
    metadata: { name: EDGE_ONLY_ROUTE.name, namespace: EDGE_ONLY_ROUTE.namespace },
    spec: {
      parentRefs: [{ kind: 'Gateway', name: 'public', namespace: 'edge' }],
      hostnames: ['edge-only.example.com'],
      rules: [
        {
          backendRefs: [{ name: serviceName(0), port: 8080 }],
          timeouts: { request: timeout },
        },
      ],
    },
  };
}

/** Every object to seed, in dependency-friendly order (Services before what names them). */
export function seedObjects(w: Workload): Record<string, unknown>[] {
  const objects = syntheticModel(w.model).filter((o) => {
    const name = (o['metadata'] as { name?: string } | undefined)?.name ?? '';
    return !(o['kind'] === 'Service' && (name === 'client' || name === 'client-2'));
  });
  objects.push(edgeOnlyRoute('10s'));
  return objects;
}

/** The Service a sidecar (index i) belongs to: "ns-x/svc-i". */
export function serviceRef(i: number, w: Workload): string {
  return `${namespaceOf(i, w.model)}/${serviceName(i)}`;
}

export function sidecarId(i: number): string {
  return `sidecar-${i}`;
}

export function edgeId(i: number): string {
  return `edge-${i}`;
}

/** Per Service index: the sidecar indexes that depend on it (every sidecar when unscoped). */
const dependentsCache = new WeakMap<Workload, (service: number) => number[]>();

export function dependents(w: Workload): (service: number) => number[] {
  const cached = dependentsCache.get(w);
  if (cached) return cached;
  const built = buildDependents(w);
  dependentsCache.set(w, built);
  return built;
}

function buildDependents(w: Workload): (service: number) => number[] {
  if (w.unscoped) {
    const all = Array.from({ length: w.sidecars }, (_, i) => i);
    return () => all;
  }
  const index = new Map<number, number[]>();
  for (let i = 0; i < w.sidecars; i += 1)
    for (const d of dependenciesOf(i, w.model)) {
      const list = index.get(d) ?? [];
      list.push(i);
      index.set(d, list);
    }
  return (service) => index.get(service) ?? [];
}

/** Proxies a change to Service `service` (its endpoints or routes) should reach. */
export function affectedByService(w: Workload, service: number): Set<string> {
  const ids = new Set(dependents(w)(service).map(sidecarId));
  if (service < w.sidecars) ids.add(sidecarId(service));
  for (let e = 0; e < w.edges; e += 1) ids.add(edgeId(e));
  return ids;
}

export function allProxyIds(w: Workload): string[] {
  return [
    ...Array.from({ length: w.edges }, (_, i) => edgeId(i)),
    ...Array.from({ length: w.sidecars }, (_, i) => sidecarId(i)),
  ];
}

export function edgeIdSet(w: Workload): Set<string> {
  return new Set(Array.from({ length: w.edges }, (_, i) => edgeId(i)));
}
