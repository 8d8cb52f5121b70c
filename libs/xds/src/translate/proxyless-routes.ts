// Client RouteConfigurations for proxyless gRPC: one per client listener, one
// virtual host answering the Service's hosts with and without the port. Only
// what gRPC accepts: path, prefix "/" or safe_regex (gRPC NACKs
// path_separated_prefix), header string matches, cluster or weighted_clusters,
// max_stream_duration for the deadline, retries on gRPC codes.
import type { JsonObject } from '@crossway/protos';
import type { IrStringMatch } from '../ir/common-ir';
import type { ProxylessClient, ProxylessRoute } from '../ir/proxyless-ir';
import type { ProxylessBuilder } from './proxyless-profile';
import { FAULT_FILTER, faultConfig } from './filters/route-filters';
import { anyOf, duration } from './resources';
import { INVALID_BACKEND_CLUSTER } from './route-action';
import { escapeRegex } from './route-match';

function stringMatch(match: IrStringMatch): JsonObject {
  if (match.kind === 'Exact') return { exact: match.value };
  if (match.kind === 'Prefix') return { prefix: match.value };
  return { safe_regex: { regex: match.value } };
}

/** gRPC anchors safe_regex at both ends, as Envoy does: a prefix matches whole segments. */
function pathMatch(path: ProxylessRoute['match']['path']): JsonObject {
  if (path.kind === 'Exact') return { path: path.value };
  if (path.kind === 'RegularExpression') return { safe_regex: { regex: path.value } };
  if (path.value === '/') return { prefix: '/' };
  return { safe_regex: { regex: `${escapeRegex(path.value)}(/.*)?` } };
}

function routeAction(route: ProxylessRoute): JsonObject {
  const result: JsonObject = {};
  const { action } = route;
  if (action.kind === 'Fail') result['cluster'] = INVALID_BACKEND_CLUSTER;
  else {
    const [only] = action.backends;
    if (action.backends.length === 1 && only && action.invalidWeight === 0)
      result['cluster'] = only.cluster;
    else {
      const clusters: JsonObject[] = action.backends.map((b) => ({
        name: b.cluster,
        weight: b.weight,
      }));
      if (action.invalidWeight > 0)
        clusters.push({ name: INVALID_BACKEND_CLUSTER, weight: action.invalidWeight });
      result['weighted_clusters'] = { clusters };
    }
  }
  if (route.timeout !== undefined)
    result['max_stream_duration'] = {
      max_stream_duration: duration(route.timeout),
      grpc_timeout_header_max: duration(route.timeout),
    };
  if (route.retry) {
    const policy: JsonObject = {
      retry_on: route.retry.on.join(','),
      num_retries: route.retry.attempts,
    };
    const backoff = route.retry.backoff;
    if (backoff) {
      const b: JsonObject = { base_interval: duration(backoff.baseInterval) };
      if (backoff.maxInterval !== undefined) b['max_interval'] = duration(backoff.maxInterval);
      policy['retry_back_off'] = b;
    }
    result['retry_policy'] = policy;
  }
  if (route.hashHeaders)
    result['hash_policy'] = route.hashHeaders.map((name) => ({ header: { header_name: name } }));
  return result;
}

function translateRoute(route: ProxylessRoute): JsonObject {
  const match: JsonObject = pathMatch(route.match.path);
  if (route.match.headers.length > 0)
    match['headers'] = route.match.headers.map((h) => ({
      name: h.name,
      string_match: stringMatch(h.match),
    }));
  const result: JsonObject = { name: route.name, match, route: routeAction(route) };
  if (route.fault)
    result['typed_per_filter_config'] = {
      [FAULT_FILTER]: anyOf(
        'envoy.extensions.filters.http.fault.v3.HTTPFault',
        faultConfig(route.fault),
      ),
    };
  return result;
}

function translateRouteTable(client: ProxylessClient): JsonObject {
  return {
    name: client.name,
    virtual_hosts: [
      { name: client.name, domains: client.domains, routes: client.routes.map(translateRoute) },
    ],
  };
}

export const translateProxylessRoutes: ProxylessBuilder = {
  name: 'proxyless-routes',
  build: (ir) => ({ routes: ir.clients.map(translateRouteTable) }),
};
