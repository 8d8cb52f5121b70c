// RouteConfigurations: one per host set, virtual hosts and routes in the IR's
// order (the policy layer already ranked them by Gateway API precedence).
import type { JsonObject } from '@crossway/protos';
import type { IrHeaderChanges, IrHostSet, IrListener, IrRoute, IrVirtualHost } from '../ir/edge-ir';
import { translateForward, translateRedirect, type RedirectSite } from './route-action';
import { routeFilterConfigs } from './filters/route-filters';
import { translateRouteMatch } from './route-match';
import type { EdgeBuilder } from './resources';

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

/** One route; `site` (edge) lets a redirect drop or keep the listener's port as Envoy would. */
export function translateRoute(route: IrRoute, site?: RedirectSite): JsonObject {
  const result: JsonObject = { name: route.name, match: translateRouteMatch(route.match) };
  const { action } = route;
  if (action.kind === 'Forward' && action.backends.length > 0)
    result['route'] = translateForward(route);
  else if (action.kind === 'Redirect')
    result['redirect'] = translateRedirect(action.redirect, route, site);
  // Forward with every weight 0, or no valid backend: the rule answers 500 itself.
  else result['direct_response'] = { status: 500 };
  addHeaderChanges(result, 'request', route.requestHeaders);
  addHeaderChanges(result, 'response', route.responseHeaders);
  const perFilter = routeFilterConfigs(route);
  if (perFilter) result['typed_per_filter_config'] = perFilter;
  return result;
}

/** A virtual host; `listener` only at the edge (mesh virtual hosts have no listener site). */
export function translateVirtualHost(vhost: IrVirtualHost, listener?: IrListener): JsonObject {
  const site: RedirectSite | undefined = listener && {
    port: listener.port,
    scheme: listener.protocol === 'HTTPS' ? 'https' : 'http',
    hostname: vhost.name,
  };
  return {
    name: vhost.name,
    domains: vhost.domains,
    routes: vhost.routes.map((r) => translateRoute(r, site)),
  };
}

function translateRouteTable(set: IrHostSet, listener?: IrListener): JsonObject {
  return {
    name: set.routeTable,
    virtual_hosts: set.virtualHosts.map((v) => translateVirtualHost(v, listener)),
  };
}

export const translateRoutes: EdgeBuilder = {
  name: 'routes',
  build: (ir) => ({
    routes: ir.listeners.flatMap((l) => l.hostSets.map((s) => translateRouteTable(s, l))),
  }),
};
