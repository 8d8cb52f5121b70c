// Sidecar outbound RouteConfigurations (served over RDS): the GAMMA virtual hosts
// of the Services the workload may reach, then a catch-all for other hosts by the
// Mesh outboundPolicy: RegistryOnly answers 502, AllowAny passes through.
import type { JsonObject } from '@crossway/protos';
import type { IrHeaderChanges, IrRoute, IrVirtualHost } from '../ir/common-ir';
import type { SidecarRouteTable } from '../ir/sidecar-ir';
import { routeFilterConfigs } from './filters/route-filters';
import { translateForward, translateRedirect } from './route-action';
import { translateRouteMatch } from './route-match';
import type { SidecarBuilder } from './sidecar-profile';

/** ORIGINAL_DST cluster for AllowAny: the client names the destination in x-envoy-original-dst-host. */
export const PASSTHROUGH_CLUSTER = 'crossway|passthrough';
/** RegistryOnly: the virtual host (and route) that answers unknown hosts with 502. */
export const REGISTRY_ONLY = 'crossway|registry-only';

function headerOptions(changes: IrHeaderChanges): JsonObject[] {
  return [
    ...changes.set.map((h) => ({
      header: { key: h.name, value: h.value },
      append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
    })),
    ...changes.add.map((h) => ({
      header: { key: h.name, value: h.value },
      append_action: 'APPEND_IF_EXISTS_OR_ADD',
    })),
  ];
}

function addHeaderChanges(
  target: JsonObject,
  prefix: 'request' | 'response',
  changes: IrHeaderChanges | undefined,
): void {
  if (!changes) return;
  const add = headerOptions(changes);
  if (add.length > 0) target[`${prefix}_headers_to_add`] = add;
  if (changes.remove.length > 0) target[`${prefix}_headers_to_remove`] = changes.remove;
}

function translateRoute(route: IrRoute): JsonObject {
  const result: JsonObject = { name: route.name, match: translateRouteMatch(route.match) };
  const { action } = route;
  if (action.kind === 'Forward' && action.backends.length > 0)
    result['route'] = translateForward(route);
  else if (action.kind === 'Redirect')
    result['redirect'] = translateRedirect(action.redirect, route);
  else result['direct_response'] = { status: 500 };
  addHeaderChanges(result, 'request', route.requestHeaders);
  addHeaderChanges(result, 'response', route.responseHeaders);
  // Per-route fault and CORS settings for the connection manager's route-driven filters.
  const perFilter = routeFilterConfigs(route);
  if (perFilter) result['typed_per_filter_config'] = perFilter;
  return result;
}

function translateVirtualHost(vhost: IrVirtualHost): JsonObject {
  return { name: vhost.name, domains: vhost.domains, routes: vhost.routes.map(translateRoute) };
}

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
  const virtualHosts = table.virtualHosts.map(translateVirtualHost);
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
