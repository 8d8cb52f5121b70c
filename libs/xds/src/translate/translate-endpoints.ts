// ClusterLoadAssignments: a backend's Workloads grouped by locality (region, zone),
// localities sorted, endpoints in workload order.
import type { JsonObject } from '@crossway/protos';
import type { IrBackend, IrEndpoint } from '../ir/edge-ir';
import type { EdgeBuilder } from './resources';

const HEALTH: Record<IrEndpoint['health'], string> = {
  Healthy: 'HEALTHY',
  Unhealthy: 'UNHEALTHY',
  Draining: 'DRAINING',
};

function localityKey(e: IrEndpoint): string {
  return `${e.locality.region ?? ''}\u0000${e.locality.zone ?? ''}`;
}

function translateEndpoint(e: IrEndpoint): JsonObject {
  return {
    endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
    health_status: HEALTH[e.health],
    load_balancing_weight: e.weight,
  };
}

function translateLoadAssignment(backend: IrBackend): JsonObject {
  const groups = new Map<string, IrEndpoint[]>();
  for (const e of backend.endpoints) {
    const key = localityKey(e);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const endpoints = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, list]): JsonObject => {
      const locality: JsonObject = {};
      const first = list[0];
      if (first?.locality.region !== undefined) locality['region'] = first.locality.region;
      if (first?.locality.zone !== undefined) locality['zone'] = first.locality.zone;
      return { locality, lb_endpoints: list.map(translateEndpoint) };
    });
  return { cluster_name: backend.cluster, endpoints };
}

export const translateEndpoints: EdgeBuilder = {
  name: 'endpoints',
  build: (ir) => ({ endpoints: ir.backends.map(translateLoadAssignment) }),
};
