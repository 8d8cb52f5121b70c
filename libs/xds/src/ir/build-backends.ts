// Backends: one cluster per Service port that some route of the IR sends or
// mirrors to, with the Workloads behind that port as endpoints.
import { parseDuration } from '@crossway/model';
import {
  effectiveTrafficPolicy,
  type ResolvedGateway,
  type ResolvedPolicy,
} from '@crossway/policy';
import type { IrBackend, IrBackendPolicy, IrListener } from './edge-ir';
import { clusterName } from './names';

function referencedClusters(listeners: readonly IrListener[]): Set<string> {
  const names = new Set<string>();
  for (const listener of listeners)
    for (const set of listener.hostSets)
      for (const vhost of set.virtualHosts)
        for (const route of vhost.routes) {
          if (route.action.kind === 'Forward')
            for (const b of route.action.backends) names.add(b.cluster);
          for (const m of route.mirrors) names.add(m.cluster);
        }
  return names;
}

/** Cluster-level fields: policies on the Service (port), the Gateway and the Mesh. */
function backendPolicy(
  resolved: ResolvedPolicy,
  gateway: ResolvedGateway,
  service: { namespace: string; name: string },
  port: number,
): IrBackendPolicy {
  const { fields } = effectiveTrafficPolicy(resolved, {
    backend: { namespace: service.namespace, name: service.name, port },
    listener: { namespace: gateway.namespace, name: gateway.name },
  });
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
  }
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

export function buildBackends(
  resolved: ResolvedPolicy,
  gateway: ResolvedGateway,
  listeners: readonly IrListener[],
): IrBackend[] {
  const wanted = referencedClusters(listeners);
  const backends: IrBackend[] = [];
  for (const service of resolved.services)
    for (const port of service.ports) {
      const cluster = clusterName(service, port.port);
      if (!wanted.has(cluster)) continue;
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
        policy: backendPolicy(resolved, gateway, service, port.port),
      });
    }
  return backends.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
}
