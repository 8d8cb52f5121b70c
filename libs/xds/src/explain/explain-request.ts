// Explain: runs one request through the Envoy config a data plane would get (the
// traffic simulator over the translated resources, never a second model of the
// routing rules), then maps each Envoy name back to the objects that made it:
// the matched route rule and the rules it beat, the TrafficPolicy fields in force
// and where each came from, the receiving side's policies and the authorization
// verdict (at the edge, then at each mesh backend's inbound side, which sees the
// edge's own SPIFFE ID), and the backends. Pure.
import {
  authenticationFor,
  authorizationFor,
  effectiveTrafficPolicy,
  evaluateAuthorization,
  rateLimitsFor,
  type AttachedPolicy,
  type PolicyTarget,
  type ReceiverTarget,
  type ResolvedGateway,
  type ResolvedPolicy,
  type RouteTableEntry,
  type TrafficContext,
} from '@crossway/policy';
import type { JsonObject } from '@crossway/protos';
import { buildEdgeIr } from '../ir/build-edge-ir';
import { objectsAt, stringAt } from '../simulate/json-read';
import { matchRoute, splitPath } from '../simulate/route-match';
import { simulateRequest, type SimulationResult } from '../simulate/simulate-request';
import { parseQuery } from '../simulate/string-match';
import { translateEdge } from '../translate/edge-profile';
import type { EnvoyResources } from '../translate/resources';
import {
  edgeIdentity,
  meshReceivers,
  receiversPolicies,
  receiverVerdicts,
} from './receiver-authorization';
import type {
  EdgeExplainRequest,
  ExplainedMatch,
  ExplainedPolicy,
  ExplainOutcome,
  ExplainResult,
} from './explain-types';

export function explainedMatch(entry: RouteTableEntry): ExplainedMatch {
  return {
    route: { ...entry.route },
    rule: entry.rule.index,
    match: entry.matchIndex,
    entry: entry.name,
  };
}

function defaultPort(gateway: ResolvedGateway, tls: boolean): number | undefined {
  const wanted = tls ? ['HTTPS', 'TLS'] : ['HTTP', 'TCP'];
  return gateway.listeners.find((l) => wanted.includes(l.protocol))?.port;
}

/** The Gateway listener (section) on `port` whose table holds `entryName`, else the first on the port. */
function sectionFor(
  gateway: ResolvedGateway,
  port: number,
  entryName: string | undefined,
): string | undefined {
  const onPort = gateway.listeners.filter((l) => l.port === port);
  const holding = onPort.find((l) =>
    l.virtualHosts.some((v) => v.entries.some((e) => e.name === entryName)),
  );
  return (holding ?? onPort[0])?.name;
}

function entriesByName(gateway: ResolvedGateway, port: number): Map<string, RouteTableEntry> {
  const byName = new Map<string, RouteTableEntry>();
  for (const listener of gateway.listeners)
    if (listener.port === port)
      for (const vhost of listener.virtualHosts)
        for (const entry of vhost.entries)
          if (!byName.has(entry.name)) byName.set(entry.name, entry);
  return byName;
}

/** What the beaten-rules search needs of a request. */
export interface RequestShape {
  host: string;
  path: string;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  tls?: boolean | undefined;
}

function headerMap(request: RequestShape, scheme: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers ?? {}))
    headers.set(name.toLowerCase(), value);
  headers.set(':method', request.method ?? 'GET');
  headers.set(':path', request.path);
  headers.set(':authority', request.host);
  headers.set(':scheme', scheme);
  headers.set('host', request.host);
  return headers;
}

/** Envoy routes of the chosen virtual host after the matched one that match too: the rules it beat. */
export function beatenRoutes(
  resources: EnvoyResources,
  sim: SimulationResult,
  request: RequestShape,
): string[] {
  if (sim.routeConfig === undefined || sim.virtualHost === undefined || sim.route === undefined)
    return [];
  const config = resources.routes.find((r) => stringAt(r, 'name') === sim.routeConfig);
  const vhost = config
    ? objectsAt(config, 'virtual_hosts').find((v) => stringAt(v, 'name') === sim.virtualHost)
    : undefined;
  if (!vhost) return [];
  const routes = objectsAt(vhost, 'routes');
  const index = routes.findIndex((r) => stringAt(r, 'name') === sim.route);
  const { path, query } = splitPath(request.path);
  const view = {
    path,
    query: parseQuery(query),
    headers: headerMap(request, request.tls === true ? 'https' : 'http'),
  };
  return routes.slice(index + 1).flatMap((r: JsonObject) => {
    const match = r['match'];
    const name = stringAt(r, 'name');
    if (name === undefined || name === sim.route) return [];
    return typeof match === 'object' &&
      match !== null &&
      !Array.isArray(match) &&
      matchRoute(match, view)
      ? [name]
      : [];
  });
}

function targetRefOf(target: PolicyTarget): ExplainedPolicy['targetRef'] {
  if (target.kind === 'Mesh') return { kind: 'Mesh', name: 'default' };
  const ref: ExplainedPolicy['targetRef'] = { kind: target.kind, name: target.name };
  if (target.sectionName !== undefined) ref.sectionName = target.sectionName;
  return ref;
}

export function trafficPolicies(
  resolved: ResolvedPolicy,
  context: TrafficContext,
): ExplainedPolicy[] {
  const { sources } = effectiveTrafficPolicy(resolved, context);
  const byPolicy = new Map<string, ExplainedPolicy>();
  for (const [field, source] of Object.entries(sources)) {
    if (source.level === 'Rule') continue; // the rule's own fields: not a policy
    const key = `${source.namespace}/${source.name}`;
    const attached = resolved.trafficPolicies.find(
      (p) => p.policy.namespace === source.namespace && p.policy.name === source.name,
    );
    const entry = byPolicy.get(key) ?? {
      kind: source.kind,
      namespace: source.namespace,
      name: source.name,
      fields: [],
      targetRef: attached ? targetRefOf(attached.target) : { kind: 'Unknown' },
    };
    entry.fields.push(field);
    byPolicy.set(key, entry);
  }
  return [...byPolicy.values()].map((p) => ({ ...p, fields: [...p.fields].sort() }));
}

export function receiverPolicies<S extends object>(
  attached: readonly AttachedPolicy<S>[],
  describe: (spec: S) => string[],
): ExplainedPolicy[] {
  return attached.map((p) => ({
    kind: p.policy.kind,
    namespace: p.policy.namespace,
    name: p.policy.name,
    fields: describe(p.spec),
    targetRef: targetRefOf(p.target),
  }));
}

export function responseOf(sim: SimulationResult): ExplainResult['response'] {
  const { action } = sim;
  switch (action.type) {
    case 'redirect':
      return { status: action.status, redirect: action.location };
    case 'direct':
    case 'no-route':
    case 'no-route-config':
      return { status: action.status };
    default:
      return undefined;
  }
}

/** The Envoy resource names the simulated request went through. */
export function envoyNames(sim: SimulationResult): ExplainResult['envoy'] {
  const clusters =
    sim.action.type === 'forward' || sim.action.type === 'tcp-proxy'
      ? sim.action.clusters.map((c) => c.name)
      : undefined;
  const envoy: ExplainResult['envoy'] = {};
  if (sim.listener !== undefined) envoy.listener = sim.listener;
  if (sim.filterChain !== undefined) envoy.filterChain = sim.filterChain;
  if (sim.routeConfig !== undefined) envoy.routeConfiguration = sim.routeConfig;
  if (sim.virtualHost !== undefined) envoy.virtualHost = sim.virtualHost;
  if (sim.route !== undefined) envoy.route = sim.route;
  if (clusters && clusters.length === 1 && clusters[0] !== undefined) envoy.cluster = clusters[0];
  if (clusters && clusters.length > 1) envoy.clusters = clusters;
  return envoy;
}

export function explainEdgeRequest(
  resolved: ResolvedPolicy,
  request: EdgeExplainRequest,
): ExplainOutcome {
  const gateway = resolved.gateways.find((g) => `${g.namespace}/${g.name}` === request.gateway);
  const ir = gateway ? buildEdgeIr(resolved, request.gateway) : undefined;
  if (!gateway || !ir) return { ok: false, notFound: `Gateway ${request.gateway} not found` };
  const tls = request.tls === true;
  const port = request.port ?? defaultPort(gateway, tls);
  if (port === undefined || !gateway.listeners.some((l) => l.port === port))
    return {
      ok: false,
      invalid: [
        {
          path: 'port',
          message:
            port === undefined
              ? `Gateway ${request.gateway} has no ${tls ? 'HTTPS' : 'HTTP'} listener`
              : `Gateway ${request.gateway} has no listener on port ${port}`,
        },
      ],
    };
  const resources = translateEdge(ir);
  const sim = simulateRequest(resources, {
    port,
    host: request.host,
    path: request.path,
    ...(request.method !== undefined ? { method: request.method } : {}),
    ...(request.headers !== undefined ? { headers: request.headers } : {}),
    tls,
  });
  const entries = entriesByName(gateway, port);
  const entry = sim.route === undefined ? undefined : entries.get(sim.route);
  const section = sectionFor(gateway, port, entry?.name);
  const listenerRef = {
    namespace: gateway.namespace,
    name: gateway.name,
    ...(section !== undefined ? { sectionName: section } : {}),
  };

  const backends =
    entry?.rule.action.type === 'Forward'
      ? entry.rule.action.backends.map((b) => ({
          service: `${b.service.namespace}/${b.service.name}`,
          port: b.port,
          weight: b.weight,
        }))
      : [];
  const context: TrafficContext = { listener: listenerRef };
  if (entry && entry.route.kind !== 'Service')
    context.route = { ...entry.route, kind: entry.route.kind, rule: entry.rule.index };
  const forwardTo = entry?.rule.action.type === 'Forward' ? entry.rule.action.backends : [];
  const [only] = forwardTo;
  if (forwardTo.length === 1 && only) context.backend = { ...only.service, port: only.port };

  const receiver: ReceiverTarget = { kind: 'Gateway', ...listenerRef };
  const authz = authorizationFor(resolved, receiver);
  const atEdge = evaluateAuthorization(authz, {
    method: request.method ?? 'GET',
    path: request.path,
    host: request.host,
    port,
    headers: request.headers,
  });
  // Then each mesh backend's inbound side, which sees the edge's own identity (mTLS).
  const meshSide = meshReceivers(resolved, forwardTo);
  const inMesh = receiverVerdicts(resolved, meshSide, edgeIdentity(resolved, gateway), {
    method: request.method ?? 'GET',
    path: request.path,
    host: request.host,
    headers: request.headers,
  });
  const verdict =
    atEdge.verdict === 'DENY' ? atEdge : (inMesh.find((v) => v.verdict === 'DENY') ?? atEdge);
  const policies = [
    ...trafficPolicies(resolved, context),
    ...receiverPolicies(
      resolved.authorizationPolicies.filter((p) =>
        [...authz.denies, ...authz.allows].some(
          (e) => e.policy.namespace === p.policy.namespace && e.policy.name === p.policy.name,
        ),
      ),
      (spec) => [`action:${spec.action}`],
    ),
    ...receiverPolicies(rateLimitsFor(resolved, receiver), () => ['limits']),
    ...receiverPolicies(authenticationFor(resolved, receiver), () => ['providers']),
    ...receiversPolicies(resolved, meshSide),
  ];

  const envoy = envoyNames(sim);

  const result: ExplainResult = {
    matched: entry ? explainedMatch(entry) : null,
    beaten: beatenRoutes(resources, sim, request).flatMap((name) => {
      const beaten = entries.get(name);
      return beaten ? [explainedMatch(beaten)] : [];
    }),
    policies,
    authorization: {
      verdict: verdict.verdict,
      reason: verdict.reason,
      ...(verdict.by ? { by: { ...verdict.by.policy, rule: verdict.by.rule } } : {}),
    },
    backends,
    envoy,
  };
  // The RBAC filter runs before the router: a denied request never reaches the route's action.
  const response = verdict.verdict === 'DENY' ? { status: 403 } : responseOf(sim);
  if (response) result.response = response;
  return { ok: true, result };
}
