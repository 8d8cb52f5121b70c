// What an Envoy route does: forward (one cluster or weighted clusters, with
// rewrites, timeouts, retries, mirrors and ring-hash keys), redirect, or answer
// directly.
import type { JsonObject } from '@crossway/protos';
import type { IrHashOn, IrRedirect, IrRoute } from '../ir/edge-ir';
import { escapeRegex } from './route-match';
import { duration } from './resources';

const REDIRECT_CODES: Record<IrRedirect['statusCode'], string> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};

/** Where a redirect is answered: the listener's port and scheme, and the virtual host's hostname. */
export interface RedirectSite {
  port: number;
  scheme: 'http' | 'https';
  /** The virtual host's name ("*" or "*.x" when the request's host is not known exactly). */
  hostname: string;
}

const WELL_KNOWN_PORTS: Record<'http' | 'https', number> = { http: 80, https: 443 };

/**
 * Gateway API: without a port, a scheme change means the new scheme's well-known
 * port; a well-known port is left out of the Location. Envoy writes any
 * port_redirect into the Location, and without one keeps the client's port unless
 * it was the old scheme's default. So when the port must go, name the host
 * instead (host_redirect drops the client's port); on a wildcard virtual host the
 * host is unknown, and the port is written explicitly unless Envoy drops it anyway.
 */
function redirectAuthority(redirect: IrRedirect, site: RedirectSite | undefined): JsonObject {
  const result: JsonObject = {};
  if (redirect.hostname !== undefined) result['host_redirect'] = redirect.hostname;
  const port =
    redirect.port ??
    (redirect.scheme === undefined ? undefined : WELL_KNOWN_PORTS[redirect.scheme]);
  if (port === undefined) return result;
  const scheme = redirect.scheme ?? site?.scheme;
  const wellKnown = scheme !== undefined && WELL_KNOWN_PORTS[scheme] === port;
  if (!wellKnown || !site) {
    result['port_redirect'] = port;
    return result;
  }
  if (redirect.hostname !== undefined) return result;
  if (!site.hostname.includes('*')) {
    result['host_redirect'] = site.hostname;
    return result;
  }
  // Envoy drops the client's port itself when the scheme changes and the listener
  // serves the old scheme on its well-known port.
  const envoyDrops = scheme !== site.scheme && site.port === WELL_KNOWN_PORTS[site.scheme];
  if (!envoyDrops) result['port_redirect'] = port;
  return result;
}

export function translateRedirect(
  redirect: IrRedirect,
  route: IrRoute,
  site?: RedirectSite,
): JsonObject {
  const result: JsonObject = { response_code: REDIRECT_CODES[redirect.statusCode] };
  if (redirect.scheme !== undefined) result['scheme_redirect'] = redirect.scheme;
  Object.assign(result, redirectAuthority(redirect, site));
  if (redirect.path?.kind === 'ReplaceFullPath') result['path_redirect'] = redirect.path.value;
  else if (redirect.path) Object.assign(result, prefixRewrite(route, redirect.path.value));
  return result;
}

/** Gateway API replaces whole segments: "/" under a prefix must not leave "//x". */
function prefixReplacement(route: IrRoute, value: string): string {
  return route.match.path.value === '/' && value !== '/' ? `${value}/` : value;
}

function pathRewrite(route: IrRoute, target: JsonObject): void {
  const path = route.rewrite?.path;
  if (!path) return;
  if (path.kind === 'ReplaceFullPath') {
    target['regex_rewrite'] = { pattern: { regex: '^/.*$' }, substitution: path.value };
    return;
  }
  Object.assign(target, prefixRewrite(route, path.value));
}

/**
 * ReplacePrefixMatch for forwards and redirects alike. Replacing a prefix with "/"
 * must not leave "//x", which a plain prefix_rewrite would: use a regex instead.
 */
function prefixRewrite(route: IrRoute, value: string): JsonObject {
  const prefix = route.match.path.value;
  if (value === '/' && prefix !== '/') {
    return {
      regex_rewrite: { pattern: { regex: `^${escapeRegex(prefix)}/*` }, substitution: '/' },
    };
  }
  return { prefix_rewrite: prefixReplacement(route, value) };
}

function retryPolicy(route: IrRoute): JsonObject | undefined {
  const retry = route.retry;
  const backendRequest = route.timeouts?.backendRequest;
  if (!retry)
    return backendRequest === undefined ? undefined : { per_try_timeout: duration(backendRequest) };
  const policy: JsonObject = {
    retry_on: retry.on.length > 0 ? retry.on.join(',') : 'connect-failure,refused-stream',
    num_retries: retry.attempts,
  };
  const perTry = retry.perTryTimeout ?? backendRequest;
  if (perTry !== undefined) policy['per_try_timeout'] = duration(perTry);
  if (retry.statusCodes.length > 0) policy['retriable_status_codes'] = retry.statusCodes;
  if (retry.backoff) {
    const backoff: JsonObject = { base_interval: duration(retry.backoff.baseInterval) };
    if (retry.backoff.maxInterval !== undefined)
      backoff['max_interval'] = duration(retry.backoff.maxInterval);
    policy['retry_back_off'] = backoff;
  }
  return policy;
}

function hashPolicy(on: IrHashOn): JsonObject {
  if (on.kind === 'Header') return { header: { header_name: on.name } };
  if (on.kind === 'SourceIP') return { connection_properties: { source_ip: true } };
  const cookie: JsonObject = { name: on.name };
  if (on.ttl !== undefined) cookie['ttl'] = duration(on.ttl);
  if (on.path !== undefined) cookie['path'] = on.path;
  return { cookie };
}

/**
 * Never defined: the share of requests meant for backends that did not resolve goes
 * here, and Envoy answers it with 500 (as Envoy Gateway does). RDS does not require
 * route clusters to exist, so only the snapshot check has to be told about it.
 */
export const INVALID_BACKEND_CLUSTER = 'crossway|invalid-backend';

export function translateForward(route: IrRoute): JsonObject {
  if (route.action.kind !== 'Forward') return {};
  const { backends, invalidWeight } = route.action;
  const action: JsonObject = {};
  const [only] = backends;
  if (backends.length === 1 && only && invalidWeight === 0) action['cluster'] = only.cluster;
  else {
    const clusters: JsonObject[] = backends.map((b) => ({ name: b.cluster, weight: b.weight }));
    if (invalidWeight > 0) {
      clusters.push({ name: INVALID_BACKEND_CLUSTER, weight: invalidWeight });
      action['cluster_not_found_response_code'] = 'INTERNAL_SERVER_ERROR';
    }
    action['weighted_clusters'] = { clusters };
  }
  if (route.rewrite?.hostname !== undefined)
    action['host_rewrite_literal'] = route.rewrite.hostname;
  pathRewrite(route, action);
  const request = route.timeouts?.request;
  if (request !== undefined) action['timeout'] = duration(request);
  const retry = retryPolicy(route);
  if (retry) action['retry_policy'] = retry;
  if (route.hashOn) action['hash_policy'] = route.hashOn.map(hashPolicy);
  if (route.mirrors.length > 0)
    action['request_mirror_policies'] = route.mirrors.map((m) => ({
      cluster: m.cluster,
      runtime_fraction: { default_value: { numerator: m.percent, denominator: 'HUNDRED' } },
    }));
  return action;
}
