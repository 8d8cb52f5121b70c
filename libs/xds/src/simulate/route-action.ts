// What Envoy does with the chosen route: forward to clusters, redirect (with the
// Location Envoy would compute), or answer directly.
import type { JsonObject } from '@crossway/protos';
import { RE2JS } from 're2js';
import { numberAt, objectAt, objectsAt, stringAt } from './json-read';
import { matchedPrefixLength, splitPath } from './route-match';

export interface SimulatedCluster {
  name: string;
  weight: number;
  /** False when no Cluster of that name exists: Envoy answers clusterNotFoundStatus. */
  defined: boolean;
}

export type SimulatedAction =
  | { type: 'forward'; clusters: SimulatedCluster[]; clusterNotFoundStatus: number }
  | { type: 'redirect'; location: string; status: number }
  | { type: 'direct'; status: number }
  | { type: 'no-route'; status: 404 }
  | { type: 'no-listener' }
  | { type: 'no-filter-chain' }
  | { type: 'no-route-config'; status: 404 }
  /** L4 (TLS passthrough, TCP): the connection goes to these clusters. */
  | { type: 'tcp-proxy'; clusters: SimulatedCluster[]; status?: undefined }
  /** L4: the chain has no filters, so Envoy closes the connection. */
  | { type: 'connection-closed'; status?: undefined }
  /** The chain's TLS handshake refuses the client (peer-tls.ts): no request is read. */
  | { type: 'tls-handshake-failed'; reason: string; status?: undefined };

const REDIRECT_STATUS: Record<string, number> = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
};

const NOT_FOUND_STATUS: Record<string, number> = {
  SERVICE_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  INTERNAL_SERVER_ERROR: 500,
};

export interface ActionContext {
  fullPath: string;
  host: string;
  scheme: 'http' | 'https';
  definedClusters: ReadonlySet<string>;
}

function forward(action: JsonObject, context: ActionContext): SimulatedAction {
  const code = stringAt(action, 'cluster_not_found_response_code') ?? 'SERVICE_UNAVAILABLE';
  const status = NOT_FOUND_STATUS[code] ?? 503;
  const single = stringAt(action, 'cluster');
  const entries =
    single !== undefined
      ? [{ name: single, weight: 1 }]
      : objectsAt(objectAt(action, 'weighted_clusters'), 'clusters').map((c) => ({
          name: stringAt(c, 'name') ?? '',
          weight: numberAt(c, 'weight') ?? 0,
        }));
  const clusters = entries.map((c) => ({ ...c, defined: context.definedClusters.has(c.name) }));
  return { type: 'forward', clusters, clusterNotFoundStatus: status };
}

// Envoy's processRequestHost: drop the request's port when a port_redirect is given,
// or when the scheme changes and the port was the old scheme's default.
function redirectHost(context: ActionContext, newScheme: string, portRedirect: boolean): string {
  const host = context.host;
  const colon = host.startsWith('[') ? host.lastIndexOf(']:') + 1 : host.lastIndexOf(':');
  if (colon <= 0) return host;
  const port = host.slice(colon);
  let remove = portRedirect;
  if (newScheme !== context.scheme)
    remove ||=
      (context.scheme === 'https' && port === ':443') ||
      (context.scheme === 'http' && port === ':80');
  return remove ? host.slice(0, colon) : host;
}

function redirectPath(redirect: JsonObject, match: JsonObject, context: ActionContext): string {
  const { path, query } = splitPath(context.fullPath);
  const strip = redirect['strip_query'] === true;
  const withQuery = (p: string): string => (strip || query === '' ? p : `${p}?${query}`);
  const pathRedirect = stringAt(redirect, 'path_redirect');
  if (pathRedirect !== undefined)
    return pathRedirect.includes('?') ? pathRedirect : withQuery(pathRedirect);
  const prefixRewrite = stringAt(redirect, 'prefix_rewrite');
  if (prefixRewrite !== undefined)
    return withQuery(prefixRewrite + path.slice(matchedPrefixLength(match, path)));
  const regexRewrite = objectAt(redirect, 'regex_rewrite');
  const pattern = stringAt(objectAt(regexRewrite, 'pattern'), 'regex');
  if (pattern !== undefined) {
    // Envoy writes groups as \1; RE2JS as $1.
    const substitution = (stringAt(regexRewrite, 'substitution') ?? '').replace(/\\(\d)/g, '$$$1');
    try {
      return withQuery(RE2JS.compile(pattern).matcher(path).replaceAll(substitution));
    } catch {
      return withQuery(path);
    }
  }
  return withQuery(path);
}

function redirect(
  redirectConfig: JsonObject,
  match: JsonObject,
  context: ActionContext,
): SimulatedAction {
  const scheme =
    stringAt(redirectConfig, 'scheme_redirect') ??
    (redirectConfig['https_redirect'] === true ? 'https' : context.scheme);
  const portRedirect = numberAt(redirectConfig, 'port_redirect');
  const host =
    stringAt(redirectConfig, 'host_redirect') ??
    redirectHost(context, scheme, portRedirect !== undefined);
  const port = portRedirect === undefined ? '' : `:${portRedirect}`;
  const path = redirectPath(redirectConfig, match, context);
  const code = stringAt(redirectConfig, 'response_code') ?? 'MOVED_PERMANENTLY';
  return {
    type: 'redirect',
    location: `${scheme}://${host}${port}${path}`,
    status: REDIRECT_STATUS[code] ?? 301,
  };
}

export function simulateAction(route: JsonObject, context: ActionContext): SimulatedAction {
  const match = objectAt(route, 'match') ?? {};
  const routeAction = objectAt(route, 'route');
  if (routeAction) return forward(routeAction, context);
  const redirectConfig = objectAt(route, 'redirect');
  if (redirectConfig) return redirect(redirectConfig, match, context);
  const direct = objectAt(route, 'direct_response');
  return { type: 'direct', status: numberAt(direct, 'status') ?? 500 };
}
