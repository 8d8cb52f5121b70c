// Runs one request description through Envoy resources the way Envoy would (Istio's
// pilot/pkg/simulation): listener by port, filter chain by SNI, the chain's TLS
// handshake (peer-tls.ts: client certificates, the peer identity RBAC sees), route
// configuration, virtual host, first matching route, then its action. Pure.
import type { JsonObject } from '@crossway/protos';
import type { EnvoyResources } from '../translate/resources';
import { objectAt, objectsAt, stringAt, stringsAt } from './json-read';
import { simulateAction, type SimulatedAction } from './route-action';
import { matchRoute, splitPath } from './route-match';
import {
  connectionManager,
  findListener,
  findRouteConfig,
  selectFilterChain,
} from './select-filter-chain';
import { selectVirtualHost } from './select-virtual-host';
import { handshake } from './peer-tls';
import { simulateL4 } from './simulate-l4';
import type { SimulatedToken } from './jwt';
import {
  simulateHttpFilters,
  type HttpFilterOutcome,
  type SimulatedSource,
} from './simulate-http-filters';
import { parseQuery } from './string-match';

export interface SimulatedRequest {
  port: number;
  /**
   * Select the Listener by name instead of by port: a proxyless gRPC client dials
   * `xds:///<name>` and uses that Listener's api_listener connection manager.
   */
  listener?: string;
  /** The Host (:authority) header, with a port when the client sent one. */
  host: string;
  /** The :path header, query string included. */
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** TLS with this SNI; `tls: true` alone sends the host (without port) as SNI. */
  sni?: string;
  tls?: boolean;
  /**
   * Who sends it, for RBAC: the peer address, and `principal`, the SPIFFE ID of the
   * client certificate the client presents (with `tls`: mTLS). The principal counts
   * only on a chain that validates client certificates; a chain that requires one
   * refuses a TLS client without it (action tls-handshake-failed).
   */
  source?: SimulatedSource;
  /** A bearer token as already-decoded claims, or one that fails verification; absent: none. */
  token?: SimulatedToken;
}

export interface HeaderToAdd {
  name: string;
  value: string;
  appendAction: string;
}

/** With the HTTP filters' outcomes (cors, jwt, authorization) when they apply. */
export interface SimulationResult extends HttpFilterOutcome {
  listener?: string;
  /** The chain's name, or its index when it has none. */
  filterChain?: string | number;
  routeConfig?: string;
  virtualHost?: string;
  route?: string;
  action: SimulatedAction;
  requestHeadersAdded?: HeaderToAdd[];
  requestHeadersRemoved?: string[];
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

function requestHeaders(
  request: SimulatedRequest,
  fullPath: string,
  scheme: string,
): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const key = name.toLowerCase();
    const previous = headers.get(key);
    headers.set(key, previous === undefined ? value : `${previous},${value}`);
  }
  headers.set(':method', request.method ?? 'GET');
  headers.set(':path', fullPath);
  headers.set(':authority', request.host);
  headers.set(':scheme', scheme);
  headers.set('host', request.host);
  return headers;
}

function headerChanges(
  route: JsonObject,
): Pick<SimulationResult, 'requestHeadersAdded' | 'requestHeadersRemoved'> {
  const added = objectsAt(route, 'request_headers_to_add').map((option) => {
    const entry = objectAt(option, 'header');
    return {
      name: stringAt(entry, 'key') ?? '',
      value: stringAt(entry, 'value') ?? '',
      appendAction: stringAt(option, 'append_action') ?? 'APPEND_IF_EXISTS_OR_ADD',
    };
  });
  const removed = stringsAt(route, 'request_headers_to_remove');
  return {
    ...(added.length > 0 ? { requestHeadersAdded: added } : {}),
    ...(removed.length > 0 ? { requestHeadersRemoved: removed } : {}),
  };
}

/** Envoy's transport_protocol match ("tls" or "raw_buffer"); a TLS-terminating chain never takes plaintext. */
function chainsForTransport(listener: JsonObject, tls: boolean): JsonObject {
  const chains = objectsAt(listener, 'filter_chains').filter((chain) => {
    const wanted = stringAt(objectAt(chain, 'filter_chain_match'), 'transport_protocol');
    if (wanted !== undefined) return wanted === (tls ? 'tls' : 'raw_buffer');
    return tls || objectAt(chain, 'transport_socket') === undefined;
  });
  return { ...listener, filter_chains: chains };
}

export function simulateRequest(
  resources: EnvoyResources,
  request: SimulatedRequest,
): SimulationResult {
  const listener =
    request.listener !== undefined
      ? resources.listeners.find((l) => stringAt(l, 'name') === request.listener)
      : findListener(resources.listeners, request.port);
  if (!listener) return { action: { type: 'no-listener' } };
  const listenerName = stringAt(listener, 'name');
  const base: SimulationResult = {
    action: { type: 'no-filter-chain' },
    ...(listenerName !== undefined ? { listener: listenerName } : {}),
  };
  const apiListener = objectAt(objectAt(listener, 'api_listener'), 'api_listener');
  if (apiListener)
    return simulateHttp(resources, request, base, apiListener, false, request.source);
  const tls = request.tls === true || request.sni !== undefined;
  const sni = request.sni ?? (tls ? hostWithoutPort(request.host) : undefined);
  const chain = selectFilterChain(chainsForTransport(listener, tls), sni);
  if (!chain) return base;
  const chainIndex = objectsAt(listener, 'filter_chains').indexOf(chain);
  const withChain: SimulationResult = {
    ...base,
    filterChain: stringAt(chain, 'name') ?? chainIndex,
  };
  const shake = handshake(chain, { tls, certificate: request.source?.principal });
  if (!shake.ok)
    return { ...withChain, action: { type: 'tls-handshake-failed', reason: shake.reason } };
  const hcm = connectionManager(chain);
  // No HTTP: TLS passthrough or TCP (simulate-l4.ts).
  if (!hcm) return { ...withChain, action: simulateL4(chain, resources.clusters) };
  // RBAC sees a peer identity only from a validated client certificate.
  const source: SimulatedSource = {
    ...(request.source?.ip !== undefined ? { ip: request.source.ip } : {}),
    ...(shake.principal !== undefined ? { principal: shake.principal } : {}),
  };
  return simulateHttp(resources, request, withChain, hcm, tls, source);
}

/** The HTTP part: route configuration, virtual host, route, HTTP filters and action. */
function simulateHttp(
  resources: EnvoyResources,
  request: SimulatedRequest,
  withChain: SimulationResult,
  hcm: JsonObject,
  tls: boolean,
  source: SimulatedSource | undefined,
): SimulationResult {
  const { name: routeConfigName, config } = findRouteConfig(hcm, resources.routes);
  const withConfig: SimulationResult = {
    ...withChain,
    action: { type: 'no-route-config', status: 404 },
    ...(routeConfigName !== undefined ? { routeConfig: routeConfigName } : {}),
  };
  if (!config) return withConfig;
  const noRoute: SimulationResult = { ...withConfig, action: { type: 'no-route', status: 404 } };
  const vhost = selectVirtualHost(config, request.host);
  if (!vhost) return noRoute;
  const vhostName = stringAt(vhost, 'name');
  const inVhost: SimulationResult = {
    ...noRoute,
    ...(vhostName !== undefined ? { virtualHost: vhostName } : {}),
  };
  const scheme = tls ? 'https' : 'http';
  const { path, query } = splitPath(request.path);
  const view = {
    path,
    query: parseQuery(query),
    headers: requestHeaders(request, request.path, scheme),
  };
  const route = objectsAt(vhost, 'routes').find((r) => {
    const match = objectAt(r, 'match');
    return match !== undefined && matchRoute(match, view);
  });
  const filterInput = { view, port: request.port, source, token: request.token };
  if (!route) return { ...inVhost, ...simulateHttpFilters(hcm, undefined, filterInput) };
  const routeName = stringAt(route, 'name');
  const definedClusters = new Set(resources.clusters.flatMap((c) => stringAt(c, 'name') ?? []));
  return {
    ...inVhost,
    ...(routeName !== undefined ? { route: routeName } : {}),
    action: simulateAction(route, {
      fullPath: request.path,
      host: request.host,
      scheme,
      definedClusters,
    }),
    ...headerChanges(route),
    ...simulateHttpFilters(hcm, route, filterInput),
  };
}
