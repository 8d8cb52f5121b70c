// Sidecar upstream clusters and endpoints. The edge translators build the EDS
// cluster (policy fields, HTTP/2) and its ClusterLoadAssignment; this file adds
// upstream TLS and turns external Services into DNS or STATIC clusters. Results
// are memoized per shared upstream object, so every sidecar of one resolved
// policy gets the very same cluster and endpoint objects.
import type { JsonObject } from '@crossway/protos';
import type { IrBackend } from '../ir/common-ir';
import type { EdgeIr } from '../ir/edge-ir';
import type { SidecarIr, SidecarUpstream } from '../ir/sidecar-ir';
import type { SidecarBuilder } from './sidecar-profile';
import { upstreamTls } from './mesh-tls';
import { translateClusters } from './translate-clusters';
import { translateEndpoints } from './translate-endpoints';

/** The edge builders read only `backends` (and `locality` for endpoints); one backend at a time. */
function edgeView(backend: IrBackend, locality?: SidecarIr['locality']): EdgeIr {
  const view: Pick<EdgeIr, 'backends' | 'locality'> = { backends: [backend] };
  if (locality) view.locality = locality;
  return view as EdgeIr;
}

function externalCluster(edge: JsonObject, upstream: SidecarUpstream): JsonObject {
  const external = upstream.external;
  if (!external) return edge;
  const rest = Object.fromEntries(
    Object.entries(edge).filter(([key]) => key !== 'eds_cluster_config'),
  );
  return {
    ...rest,
    type: external.resolution === 'DNS' ? 'STRICT_DNS' : 'STATIC',
    load_assignment: {
      cluster_name: upstream.backend.cluster,
      endpoints: [
        {
          lb_endpoints: external.endpoints.map((e) => ({
            endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
          })),
        },
      ],
    },
  };
}

function buildCluster(upstream: SidecarUpstream): JsonObject {
  const [edge] = translateClusters.build(edgeView(upstream.backend)).clusters ?? [];
  const cluster = externalCluster(edge ?? { name: upstream.backend.cluster }, upstream);
  return upstream.tls ? { ...cluster, transport_socket: upstreamTls(upstream.tls) } : cluster;
}

const clusters = new WeakMap<SidecarUpstream, JsonObject>();
const endpoints = new WeakMap<SidecarUpstream, Map<string, JsonObject>>();

/** The upstream's Cluster, built once per shared upstream object. */
export function upstreamCluster(upstream: SidecarUpstream): JsonObject {
  let cluster = clusters.get(upstream);
  if (!cluster) {
    cluster = buildCluster(upstream);
    clusters.set(upstream, cluster);
  }
  return cluster;
}

/**
 * The upstream's ClusterLoadAssignment (EDS), undefined for external Services; built
 * once per shared upstream object and proxy locality (only locality failover reads it).
 */
export function upstreamEndpoints(
  upstream: SidecarUpstream,
  locality?: SidecarIr['locality'],
): JsonObject | undefined {
  if (upstream.external) return undefined;
  let byLocality = endpoints.get(upstream);
  if (!byLocality) {
    byLocality = new Map();
    endpoints.set(upstream, byLocality);
  }
  const key = locality ? `${locality.region ?? ''}\u0000${locality.zone ?? ''}` : '';
  let assignment = byLocality.get(key);
  if (!assignment) {
    assignment = translateEndpoints.build(edgeView(upstream.backend, locality)).endpoints?.[0];
    if (assignment) byLocality.set(key, assignment);
  }
  return assignment;
}

export const translateSidecarUpstreams: SidecarBuilder = {
  name: 'upstreams',
  build: (ir) => ({
    clusters: ir.upstreams.map(upstreamCluster),
    endpoints: ir.upstreams.flatMap((u): JsonObject[] => {
      const assignment = upstreamEndpoints(u, ir.locality);
      return assignment ? [assignment] : [];
    }),
  }),
};
