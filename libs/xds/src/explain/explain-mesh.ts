// Explain for a mesh caller: the request leaves the caller's data plane (the
// sidecar's default outbound listener, or the proxyless client Listener named
// "<host>:<port>"), is routed by the GAMMA table the caller sees, and is then
// authorized at the receiving Service's inbound side with the caller's identity.
import {
  type AuthorizationVerdict,
  type ResolvedPolicy,
  type ResolvedService,
  type RouteTableEntry,
  type SourceIdentity,
  type TrafficContext,
} from '@crossway/policy';
import { buildProxylessIr } from '../ir/build-proxyless-ir';
import { buildSidecarIr, DEFAULT_OUTBOUND_PORT } from '../ir/build-sidecar-ir';
import { spiffeId } from '../ir/names';
import { simulateRequest, type SimulationResult } from '../simulate/simulate-request';
import { translateProxyless } from '../translate/proxyless-profile';
import type { EnvoyResources } from '../translate/resources';
import { translateSidecar } from '../translate/sidecar-profile';
import {
  beatenRoutes,
  envoyNames,
  explainedMatch,
  responseOf,
  trafficPolicies,
} from './explain-request';
import type { ExplainOutcome, ExplainResult, MeshExplainRequest } from './explain-types';
import { meshReceivers, receiversPolicies, receiverVerdicts } from './receiver-authorization';

function hostWithoutPort(host: string): string {
  return host.replace(/:\d+$/, '');
}

/** The Service a Host names, and the port the request goes to (given, in the host, or the lowest). */
function destinationOf(
  resolved: ResolvedPolicy,
  request: MeshExplainRequest,
): { service: ResolvedService; port: number } | undefined {
  const bare = hostWithoutPort(request.host).toLowerCase();
  const inHost = /:(\d+)$/.exec(request.host)?.[1];
  const service = resolved.services.find((s) => s.hosts.includes(bare));
  const port = request.port ?? (inHost !== undefined ? Number(inHost) : service?.ports[0]?.port);
  return service && port !== undefined ? { service, port } : undefined;
}

function entryIn(
  service: ResolvedService,
  port: number,
  callerNamespace: string,
  name: string | undefined,
): RouteTableEntry | undefined {
  const servicePort = service.ports.find((p) => p.port === port);
  if (!servicePort || name === undefined) return undefined;
  const consumer = servicePort.routes.consumers.find((c) => c.namespace === callerNamespace);
  return (consumer ? consumer.entries : servicePort.routes.producer).find((e) => e.name === name);
}

function callerConfig(
  resolved: ResolvedPolicy,
  source: string,
  role: 'sidecar' | 'proxyless',
): EnvoyResources | undefined {
  if (role === 'sidecar') {
    const ir = buildSidecarIr(resolved, { service: source });
    return ir ? translateSidecar(ir) : undefined;
  }
  const ir = buildProxylessIr(resolved, { service: source });
  return ir ? translateProxyless(ir) : undefined;
}

export function explainMeshRequest(
  resolved: ResolvedPolicy,
  request: MeshExplainRequest,
): ExplainOutcome {
  const caller = resolved.services.find((s) => `${s.namespace}/${s.name}` === request.source);
  const role = request.role ?? 'sidecar';
  const resources = caller ? callerConfig(resolved, request.source, role) : undefined;
  if (!caller || !resources) return { ok: false, notFound: `Service ${request.source} not found` };
  const destination = destinationOf(resolved, request);
  const host =
    destination && !/:\d+$/.test(request.host)
      ? `${request.host}:${destination.port}`
      : request.host;
  const common = {
    host,
    path: request.path,
    ...(request.method !== undefined ? { method: request.method } : {}),
    ...(request.headers !== undefined ? { headers: request.headers } : {}),
  };
  const sim: SimulationResult =
    role === 'sidecar'
      ? simulateRequest(resources, { port: DEFAULT_OUTBOUND_PORT, ...common })
      : simulateRequest(resources, { port: 0, listener: host, ...common });

  const entry = destination
    ? entryIn(destination.service, destination.port, caller.namespace, sim.route)
    : undefined;
  const forwardTo = entry?.rule.action.type === 'Forward' ? entry.rule.action.backends : [];
  const backends = forwardTo.map((b) => ({
    service: `${b.service.namespace}/${b.service.name}`,
    port: b.port,
    weight: b.weight,
  }));

  // Authorization happens at each receiving Service's inbound side, with the caller's identity.
  const trustDomain = resolved.mesh.spec.trustDomain;
  const identity: SourceIdentity = {
    namespace: caller.namespace,
    service: caller.name,
    serviceAccount: caller.serviceAccount,
    spiffeId: spiffeId(trustDomain, caller.namespace, caller.serviceAccount),
  };
  const receivers = meshReceivers(resolved, forwardTo);
  const verdicts = receiverVerdicts(resolved, receivers, identity, {
    method: request.method ?? (role === 'proxyless' ? 'POST' : 'GET'),
    path: request.path,
    host,
    headers: request.headers,
  });
  const verdict: AuthorizationVerdict = verdicts.find((v) => v.verdict === 'DENY') ??
    verdicts[0] ?? { verdict: 'ALLOW', reason: 'Default' };

  const context: TrafficContext = {};
  if (entry && entry.route.kind !== 'Service')
    context.route = { ...entry.route, kind: entry.route.kind, rule: entry.rule.index };
  const [only] = forwardTo;
  if (forwardTo.length === 1 && only) context.backend = { ...only.service, port: only.port };
  else if (destination)
    context.backend = {
      namespace: destination.service.namespace,
      name: destination.service.name,
      port: destination.port,
    };
  const policies = [
    ...trafficPolicies(resolved, context),
    ...receiversPolicies(resolved, receivers),
  ];
  const unique = [
    ...new Map(policies.map((p) => [`${p.kind}/${p.namespace}/${p.name}`, p])).values(),
  ];

  const matchedEntries = (names: string[]) =>
    destination
      ? names.flatMap((name) => {
          const e = entryIn(destination.service, destination.port, caller.namespace, name);
          return e ? [explainedMatch(e)] : [];
        })
      : [];
  const result: ExplainResult = {
    matched: entry ? explainedMatch(entry) : null,
    beaten: matchedEntries(beatenRoutes(resources, sim, common)),
    policies: unique,
    authorization: {
      verdict: verdict.verdict,
      reason: verdict.reason,
      ...(verdict.by ? { by: { ...verdict.by.policy, rule: verdict.by.rule } } : {}),
    },
    backends,
    envoy: envoyNames(sim),
  };
  const response = verdict.verdict === 'DENY' ? { status: 403 } : responseOf(sim);
  if (response) result.response = response;
  return { ok: true, result };
}
