// Sidecar outbound RouteConfigurations (served over RDS): the GAMMA virtual hosts
// of the Services the workload may reach, then a catch-all for other hosts by the
// Mesh outboundPolicy: RegistryOnly answers 502, AllowAny passes through.
import type { JsonObject } from '@crossway/protos';
import type { SidecarRouteTable } from '../ir/sidecar-ir';
import type { SidecarBuilder } from './sidecar-profile';
import { translateVirtualHost } from './translate-routes';

/** ORIGINAL_DST cluster for AllowAny: the client names the destination in x-envoy-original-dst-host. */
export const PASSTHROUGH_CLUSTER = 'crossway|passthrough';
/** RegistryOnly: the virtual host (and route) that answers unknown hosts with 502. */
export const REGISTRY_ONLY = 'crossway|registry-only';

function catchAll(policy: NonNullable<SidecarRouteTable['catchAll']>): JsonObject {
  if (policy === 'RegistryOnly')
    return {
      name: REGISTRY_ONLY,
      domains: ['*'],
      routes: [{ name: REGISTRY_ONLY, match: { prefix: '/' }, direct_response: { status: 502 } }],
    };
  return {
    name: PASSTHROUGH_CLUSTER,
    domains: ['*'],
    routes: [
      {
        name: PASSTHROUGH_CLUSTER,
        match: { prefix: '/' },
        route: { cluster: PASSTHROUGH_CLUSTER },
      },
    ],
  };
}

function translateTable(table: SidecarRouteTable): JsonObject {
  const virtualHosts = table.virtualHosts.map((v) => translateVirtualHost(v));
  if (table.catchAll) virtualHosts.push(catchAll(table.catchAll));
  return { name: table.name, virtual_hosts: virtualHosts };
}

/** The passthrough cluster, when some table passes unknown hosts through. */
function passthroughCluster(tables: readonly SidecarRouteTable[]): JsonObject[] {
  if (!tables.some((t) => t.catchAll === 'AllowAny')) return [];
  return [
    {
      name: PASSTHROUGH_CLUSTER,
      type: 'ORIGINAL_DST',
      lb_policy: 'CLUSTER_PROVIDED',
      connect_timeout: '5s',
      original_dst_lb_config: { use_http_header: true },
    },
  ];
}

export const translateSidecarRoutes: SidecarBuilder = {
  name: 'routes',
  build: (ir) => ({
    routes: ir.routeTables.map(translateTable),
    clusters: passthroughCluster(ir.routeTables),
  }),
};
