// The changes the benchmark times, as API writes built from the workload: what each
// writes and which proxies it must / may reach. Every variant `k` writes something
// new (so no write is a no-op) to a different Service where it can.
import { SYSTEM_NAMESPACE } from '@crossway/model';
import { namespaceOf, serviceName, syntheticModel } from '../synthetic-model';
import {
  affectedByService,
  allProxyIds,
  dependents,
  edgeIdSet,
  edgeOnlyRoute,
  sidecarId,
  type Workload,
} from './workloads';

export type ChangeKind = 'endpoint' | 'route' | 'new-service' | 'edge-route' | 'mesh-policy';

export const CHANGE_KINDS: readonly ChangeKind[] = [
  'endpoint',
  'route',
  'new-service',
  'edge-route',
  'mesh-policy',
];

export interface PlannedChange {
  kind: ChangeKind;
  /** PUT (replace) one object, or apply a set. */
  write: { replace: Record<string, unknown> } | { apply: Record<string, unknown>[] };
  must: Set<string>;
  may: Set<string>;
}

/** A Service with dependents, different per k (scoped workloads have few dependents each). */
export function targetService(w: Workload, k: number): number {
  const of = dependents(w);
  for (let step = 0; step < w.sidecars; step += 1) {
    const candidate = (k * 37 + 5 + step) % w.sidecars;
    if (of(candidate).length > 0) return candidate;
  }
  return k % w.model.services;
}

function objectOf(w: Workload, service: number, kind: string): Record<string, unknown> {
  const single = syntheticModel({ ...w.model, services: 1, endpoints: 1 }).find(
    (o) => o['kind'] === kind,
  );
  if (single === undefined) throw new Error(`no ${kind} in the synthetic model`);
  const copy = structuredClone(single);
  const meta = copy['metadata'] as { name: string; namespace?: string };
  meta.namespace = namespaceOf(service, w.model);
  meta.name = kind === 'Workload' ? `${serviceName(service)}-0` : serviceName(service);
  return copy;
}

/** The Workload svc-T-0 at a new address. */
export function endpointChange(w: Workload, k: number): PlannedChange {
  const t = targetService(w, k);
  const workload = objectOf(w, t, 'Workload');
  const spec = workload['spec'] as Record<string, unknown>;
  spec['service'] = serviceName(t);
  spec['address'] = `10.${(t >> 8) & 255}.${t & 255}.${100 + (k % 150)}`;
  const may = affectedByService(w, t);
  const must = new Set([...dependents(w)(t).map(sidecarId), ...edgeIdSet(w)]);
  return { kind: 'endpoint', write: { replace: workload }, must, may };
}

/** HTTPRoute svc-T (edge and GAMMA) with a new request timeout. */
export function routeChange(w: Workload, k: number): PlannedChange {
  const t = targetService(w, k + 1000);
  const route = objectOf(w, t, 'HTTPRoute');
  const spec = route['spec'] as {
    hostnames: string[];
    parentRefs: { kind: string; name: string }[];
    rules: { backendRefs: { name: string }[]; timeouts?: { request: string } }[];
  };
  const name = serviceName(t);
  spec.hostnames = [`${name}.example.com`];
  for (const ref of spec.parentRefs) if (ref.kind === 'Service') ref.name = name;
  for (const rule of spec.rules) for (const b of rule.backendRefs) b.name = name;
  const first = spec.rules[0];
  if (first) first.timeouts = { request: `${11 + (k % 80)}s` };
  const may = affectedByService(w, t);
  const must = new Set([...dependents(w)(t).map(sidecarId), ...edgeIdSet(w)]);
  return { kind: 'route', write: { replace: route }, must, may };
}

/** A new Service with one Workload and an HTTPRoute on the Gateway and itself. */
export function newServiceChange(w: Workload, k: number, tag: string): PlannedChange {
  const name = `new-${tag.toLowerCase().replace(/[^a-z0-9]/g, '')}-${k}`;
  const namespace = 'ns-0';
  const meta = (n: string) => ({ name: n, namespace });
  const apply = [
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Service',
      metadata: meta(name),
      spec: { ports: [{ name: 'http', port: 8080, protocol: 'http' }] },
    },
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Workload',
      metadata: meta(`${name}-0`),
      spec: {
        service: name,
        address: `10.254.${k & 255}.1`,
        ports: [{ name: 'http', port: 8080 }],
      },
    },
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'HTTPRoute',
      metadata: meta(name),
      spec: {
        parentRefs: [
          { kind: 'Gateway', name: 'public', namespace: 'edge' },
          { kind: 'Service', name, port: 8080 },
        ],
        hostnames: [`${name}.example.com`],
        rules: [{ backendRefs: [{ name, port: 8080 }] }],
      },
    },
  ];
  // Scoped sidecars depend on no new Service: only the edges (and, unscoped, everyone).
  const must = w.unscoped ? new Set(allProxyIds(w)) : edgeIdSet(w);
  return { kind: 'new-service', write: { apply }, must, may: new Set(must) };
}

export function edgeRouteChange(w: Workload, k: number): PlannedChange {
  const edges = edgeIdSet(w);
  return {
    kind: 'edge-route',
    write: { replace: edgeOnlyRoute(`${21 + (k % 80)}s`) },
    must: edges,
    may: new Set(edges),
  };
}

/** A mesh-wide AuthorizationPolicy (DENY from a CIDR no one uses), new rules each time. */
export function meshPolicyChange(w: Workload, k: number): PlannedChange {
  const policy = {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'bench-mesh-wide', namespace: SYSTEM_NAMESPACE },
    spec: {
      targetRef: { kind: 'Mesh', name: 'default' },
      action: 'DENY',
      rules: [{ from: [{ ipBlocks: [`192.0.2.${k % 250}/32`] }] }],
    },
  };
  const sidecars = new Set(allProxyIds(w).filter((id) => !edgeIdSet(w).has(id)));
  return {
    kind: 'mesh-policy',
    write: { apply: [policy] },
    must: sidecars,
    may: new Set(allProxyIds(w)),
  };
}

export function planChange(w: Workload, kind: ChangeKind, k: number, tag: string): PlannedChange {
  switch (kind) {
    case 'endpoint':
      return endpointChange(w, k);
    case 'route':
      return routeChange(w, k);
    case 'new-service':
      return newServiceChange(w, k, tag);
    case 'edge-route':
      return edgeRouteChange(w, k);
    case 'mesh-policy':
      return meshPolicyChange(w, k);
  }
}
