// One route table entry (route, rule, match) as an IR route: its match, what it
// does with the request, and the filters, timeouts and retries of its rule.
import { parseDuration } from '@crossway/model';
import {
  effectiveTrafficPolicy,
  type ResolvedFilter,
  type ResolvedPolicy,
  type ResolvedRule,
  type RouteTableEntry,
  type TrafficContext,
} from '@crossway/policy';
import type {
  IrHeaderChanges,
  IrRetry,
  IrRoute,
  IrRouteAction,
  IrRouteMatch,
  IrValueMatch,
} from './edge-ir';
import { routeHashOn } from './build-hash-policy';
import { buildCorsIr, buildFaultIr } from './http-filters/build-route-filter-ir';
import { clusterName } from './names';

type HeaderModifier = Extract<
  ResolvedFilter,
  { type: 'RequestHeaderModifier' }
>['requestHeaderModifier'];

function buildMatch(entry: RouteTableEntry): IrRouteMatch {
  const { match } = entry;
  const headers: IrValueMatch[] = match.headers.map((h) => ({
    name: h.name,
    match: { kind: h.type, value: h.value },
  }));
  // GRPCRoute entries answer gRPC requests only.
  if (entry.grpcOnly)
    headers.push({ name: 'content-type', match: { kind: 'Prefix', value: 'application/grpc' } });
  const result: IrRouteMatch = {
    path: { kind: match.path.type, value: match.path.value },
    headers,
    queryParams: match.queryParams.map((q) => ({
      name: q.name,
      match: { kind: q.type, value: q.value },
    })),
  };
  if (match.method !== undefined) result.method = match.method;
  return result;
}

function buildAction(rule: ResolvedRule): IrRouteAction {
  const { action } = rule;
  if (action.type === 'DirectResponse')
    return { kind: 'DirectResponse', status: action.status, reason: action.reason };
  if (action.type === 'Forward')
    return {
      kind: 'Forward',
      backends: action.backends
        .filter((b) => b.weight > 0)
        .map((b) => ({ cluster: clusterName(b.service, b.port), weight: b.weight })),
      invalidWeight: action.invalidWeight,
    };
  const filter = rule.filters.find((f) => f.type === 'RequestRedirect');
  const spec = filter?.type === 'RequestRedirect' ? filter.requestRedirect : undefined;
  const redirect: Extract<IrRouteAction, { kind: 'Redirect' }>['redirect'] = {
    statusCode: spec?.statusCode ?? 302,
  };
  if (spec?.scheme !== undefined) redirect.scheme = spec.scheme;
  if (spec?.hostname !== undefined) redirect.hostname = spec.hostname;
  if (spec?.port !== undefined) redirect.port = spec.port;
  const path = spec?.path;
  if (path)
    redirect.path = {
      kind: path.type,
      value:
        (path.type === 'ReplaceFullPath' ? path.replaceFullPath : path.replacePrefixMatch) ?? '/',
    };
  return { kind: 'Redirect', redirect };
}

function headerChanges(modifier: HeaderModifier): IrHeaderChanges {
  return {
    set: (modifier.set ?? []).map((h) => ({ name: h.name, value: h.value })),
    add: (modifier.add ?? []).map((h) => ({ name: h.name, value: h.value })),
    remove: [...(modifier.remove ?? [])],
  };
}

function millis(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}

interface RetrySpec {
  attempts: number;
  perTryTimeout?: string | undefined;
  on?: readonly string[] | undefined;
  statusCodes?: readonly number[] | undefined;
  backoff?: { baseInterval: string; maxInterval?: string | undefined } | undefined;
}

function buildRetry(retry: RetrySpec | undefined): IrRetry | undefined {
  if (!retry) return undefined;
  const result: IrRetry = {
    attempts: retry.attempts,
    on: [...(retry.on ?? [])],
    statusCodes: [...(retry.statusCodes ?? [])],
  };
  const perTry = millis(retry.perTryTimeout);
  if (perTry !== undefined) result.perTryTimeout = perTry;
  if (retry.backoff) {
    const base = millis(retry.backoff.baseInterval) ?? 25;
    const max = millis(retry.backoff.maxInterval);
    result.backoff =
      max === undefined ? { baseInterval: base } : { baseInterval: base, maxInterval: max };
  }
  return result;
}

/**
 * Where a route is served. At an edge: the Gateway and the listener section of its
 * table. In the mesh (sidecar outbound, proxyless client) there is no listener.
 */
export interface RouteSite {
  resolved: ResolvedPolicy;
  listener?: { namespace: string; name: string; sectionName: string };
}

/** The TrafficPolicy in force: the rule's own fields, then policies on the route, its only backend, the listener. */
function trafficFields(entry: RouteTableEntry, site: RouteSite) {
  const { kind, namespace, name } = entry.route;
  const context: TrafficContext = {};
  if (site.listener) context.listener = { ...site.listener };
  if (kind !== 'Service') context.route = { kind, namespace, name, rule: entry.rule.index };
  const { action } = entry.rule;
  const [only] = action.type === 'Forward' ? action.backends : [];
  if (action.type === 'Forward' && action.backends.length === 1 && only)
    context.backend = { ...only.service, port: only.port };
  return effectiveTrafficPolicy(site.resolved, context).fields;
}

export function buildRouteIr(entry: RouteTableEntry, site: RouteSite): IrRoute {
  const { rule } = entry;
  const fields = trafficFields(entry, site);
  const route: IrRoute = {
    name: entry.name,
    match: buildMatch(entry),
    action: buildAction(rule),
    mirrors: rule.mirrors.map((m) => ({
      cluster: clusterName(m.backend.service, m.backend.port),
      percent: m.percent,
    })),
  };
  for (const filter of rule.filters) {
    if (filter.type === 'RequestHeaderModifier')
      route.requestHeaders = headerChanges(filter.requestHeaderModifier);
    else if (filter.type === 'ResponseHeaderModifier')
      route.responseHeaders = headerChanges(filter.responseHeaderModifier);
    else if (filter.type === 'URLRewrite') {
      const { hostname, path } = filter.urlRewrite;
      route.rewrite = {};
      if (hostname !== undefined) route.rewrite.hostname = hostname;
      if (path)
        route.rewrite.path = {
          kind: path.type,
          value:
            (path.type === 'ReplaceFullPath' ? path.replaceFullPath : path.replacePrefixMatch) ??
            '/',
        };
    }
  }
  if (fields.timeouts) {
    const request = millis(fields.timeouts.request);
    const backendRequest = millis(fields.timeouts.backendRequest);
    route.timeouts = {};
    if (request !== undefined) route.timeouts.request = request;
    if (backendRequest !== undefined) route.timeouts.backendRequest = backendRequest;
  }
  const retry = buildRetry(fields.retries);
  if (retry) route.retry = retry;
  const cors = buildCorsIr(rule.filters);
  if (cors) route.cors = cors;
  const fault = buildFaultIr(fields.faultInjection);
  if (fault) route.fault = fault;
  const hashOn = routeHashOn(rule, site);
  if (hashOn.length > 0) route.hashOn = hashOn;
  return route;
}
