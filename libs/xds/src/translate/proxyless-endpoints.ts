// ClusterLoadAssignments for proxyless gRPC: endpoints grouped by locality
// (sorted). gRPC skips a locality without load_balancing_weight, so each gets
// the sum of its endpoints' weights (the same split as flat endpoint weights).
import type { JsonObject } from '@crossway/protos';
import type { IrEndpoint } from '../ir/common-ir';
import type { ProxylessBackend } from '../ir/proxyless-ir';
import type { ProxylessBuilder } from './proxyless-profile';
import { localityKey, translateEndpoint } from './translate-endpoints';

function translateLoadAssignment(backend: ProxylessBackend): JsonObject {
  const groups = new Map<string, IrEndpoint[]>();
  for (const e of backend.endpoints)
    groups.set(localityKey(e), [...(groups.get(localityKey(e)) ?? []), e]);
  const endpoints = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, list]): JsonObject => {
      const locality: JsonObject = {};
      const first = list[0];
      if (first?.locality.region !== undefined) locality['region'] = first.locality.region;
      if (first?.locality.zone !== undefined) locality['zone'] = first.locality.zone;
      return {
        locality,
        load_balancing_weight: list.reduce((sum, e) => sum + e.weight, 0),
        lb_endpoints: list.map(translateEndpoint),
      };
    });
  return { cluster_name: backend.cluster, endpoints };
}

export const translateProxylessEndpoints: ProxylessBuilder = {
  name: 'proxyless-endpoints',
  build: (ir) => ({ endpoints: ir.backends.map(translateLoadAssignment) }),
};
