// ClusterLoadAssignments: a backend's Workloads grouped by locality (region, zone),
// localities sorted, endpoints in workload order; with locality failover and a
// known proxy locality, nearer localities get lower priorities.
import type { JsonObject } from '@crossway/protos';
import type { IrBackend, IrEndpoint } from '../ir/edge-ir';
import { localityPriorities, type Locality } from './locality-priority';
import type { EdgeBuilder } from './resources';

export const HEALTH: Record<IrEndpoint['health'], string> = {
  Healthy: 'HEALTHY',
  Unhealthy: 'UNHEALTHY',
  Draining: 'DRAINING',
};

export function localityKey(e: IrEndpoint): string {
  return `${e.locality.region ?? ''}\u0000${e.locality.zone ?? ''}`;
}

export function translateEndpoint(e: IrEndpoint): JsonObject {
  return {
    endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
    health_status: HEALTH[e.health],
    load_balancing_weight: e.weight,
  };
}

function translateLoadAssignment(backend: IrBackend, own: Locality | undefined): JsonObject {
  const priorities = localityPriorities(backend, own, localityKey);
  const groups = new Map<string, IrEndpoint[]>();
  for (const e of backend.endpoints) {
    const key = localityKey(e);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const endpoints = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]): JsonObject => {
      const locality: JsonObject = {};
      const first = list[0];
      if (first?.locality.region !== undefined) locality['region'] = first.locality.region;
      if (first?.locality.zone !== undefined) locality['zone'] = first.locality.zone;
      const group: JsonObject = { locality, lb_endpoints: list.map(translateEndpoint) };
      const priority = priorities?.get(key) ?? 0;
      if (priority > 0) group['priority'] = priority;
      return group;
    });
  return { cluster_name: backend.cluster, endpoints };
}

export const translateEndpoints: EdgeBuilder = {
  name: 'endpoints',
  build: (ir) => ({ endpoints: ir.backends.map((b) => translateLoadAssignment(b, ir.locality)) }),
};
