// Backends: one cluster per Service port that some route of the IR sends or
// mirrors to, with the Workloads behind that port as endpoints.
import { parseDuration } from '@crossway/model';
import {
  effectiveTrafficPolicy,
  type ResolvedPolicy,
  type ResolvedService,
  type ResolvedServicePort,
  type TrafficContext,
} from '@crossway/policy';
import { buildHashOn, buildHealthCheck } from './build-backend-policy-parts';
import type { IrBackend, IrBackendPolicy, IrRoute } from './common-ir';
import { clusterName } from './names';

/** The clusters some route sends or mirrors to. */
export function clustersOfRoutes(routes: Iterable<IrRoute>): Set<string> {
  const names = new Set<string>();
  for (const route of routes) {
    if (route.action.kind === 'Forward')
      for (const b of route.action.backends) names.add(b.cluster);
    for (const m of route.mirrors) names.add(m.cluster);
  }
  return names;
}

/** Cluster-level fields: policies on the Service (port), the Gateway (at an edge) and the Mesh. */
function backendPolicy(
  resolved: ResolvedPolicy,
  service: { namespace: string; name: string },
  port: number,
  gateway: { namespace: string; name: string } | undefined,
): IrBackendPolicy {
  const context: TrafficContext = {
    backend: { namespace: service.namespace, name: service.name, port },
  };
  if (gateway) context.listener = { namespace: gateway.namespace, name: gateway.name };
  const { fields } = effectiveTrafficPolicy(resolved, context);
  const policy: IrBackendPolicy = {};
  const connect = fields.timeouts?.connect;
  const connectMs = connect === undefined ? undefined : parseDuration(connect);
  if (connectMs !== undefined && connectMs > 0) policy.connectTimeout = connectMs;
  if (fields.loadBalancer) policy.loadBalancer = fields.loadBalancer.type;
  const limits = fields.connectionLimits;
  if (limits) {
    policy.connectionLimits = {};
    if (limits.maxConnections !== undefined)
      policy.connectionLimits.maxConnections = limits.maxConnections;
    if (limits.maxPendingRequests !== undefined)
      policy.connectionLimits.maxPendingRequests = limits.maxPendingRequests;
    if (limits.maxRequests !== undefined) policy.connectionLimits.maxRequests = limits.maxRequests;
    if (limits.maxRetries !== undefined) policy.connectionLimits.maxRetries = limits.maxRetries;
    if (limits.maxRequestsPerConnection !== undefined)
      policy.connectionLimits.maxRequestsPerConnection = limits.maxRequestsPerConnection;
  }
  const idle = fields.timeouts?.idle;
  const idleMs = idle === undefined ? undefined : parseDuration(idle);
  if (idleMs !== undefined && idleMs > 0) policy.idleTimeout = idleMs;
  const hashOn = buildHashOn(fields.loadBalancer?.hashOn);
  if (hashOn && fields.loadBalancer?.type === 'RingHash') policy.hashOn = hashOn;
  const healthCheck = buildHealthCheck(fields.healthChecks);
  if (healthCheck) policy.healthCheck = healthCheck;
  const failover = fields.localityFailover;
  if (failover && failover.enabled)
    policy.localityFailover = {
      failover: (failover.failover ?? []).map((f) => ({ from: f.from, to: [...f.to] })),
    };
  const outlier = fields.outlierDetection;
  if (outlier) {
    policy.outlierDetection = {
      consecutive5xxErrors: outlier.consecutive5xxErrors,
      interval: parseDuration(outlier.interval) ?? 10_000,
      baseEjectionTime: parseDuration(outlier.baseEjectionTime) ?? 30_000,
      maxEjectionPercent: outlier.maxEjectionPercent,
    };
    if (outlier.consecutiveGatewayErrors !== undefined)
      policy.outlierDetection.consecutiveGatewayErrors = outlier.consecutiveGatewayErrors;
  }
  return policy;
}

const clusterIndexes = new WeakMap<
  ResolvedPolicy,
  Map<string, { service: ResolvedService; port: ResolvedServicePort }>
>();

/** Every Service port by its cluster name, once per resolved policy (proxies look up their few). */
function servicePortsByCluster(resolved: ResolvedPolicy) {
  let index = clusterIndexes.get(resolved);
  if (!index) {
    index = new Map();
    for (const service of resolved.services)
      for (const port of service.ports)
        index.set(clusterName(service, port.port), { service, port });
    clusterIndexes.set(resolved, index);
  }
  return index;
}

/**
 * One backend per wanted cluster name that is a Service port, sorted by cluster
 * name. `gateway` is the edge's Gateway (its policies count); absent in the mesh.
 */
export function buildBackends(
  resolved: ResolvedPolicy,
  wanted: ReadonlySet<string>,
  gateway?: { namespace: string; name: string },
): IrBackend[] {
  const backends: IrBackend[] = [];
  const index = servicePortsByCluster(resolved);
  for (const cluster of wanted) {
    const found = index.get(cluster);
    if (!found) continue;
    const { service, port } = found;
    backends.push({
      cluster,
      service: { namespace: service.namespace, name: service.name },
      port: port.port,
      protocol: port.protocol,
      endpoints: port.endpoints.map((e) => ({
        workload: e.workload,
        address: e.address,
        port: e.port,
        locality: { ...e.locality },
        weight: e.weight,
        health: e.health,
      })),
      policy: backendPolicy(resolved, service, port.port, gateway),
    });
  }
  return backends.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
}
