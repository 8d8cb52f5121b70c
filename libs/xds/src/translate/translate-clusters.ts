// Clusters: one per backend Service port, endpoints over EDS through ADS, with
// the cluster-level TrafficPolicy fields (connect timeout, load balancer, circuit
// breakers, outlier detection, health checks, upstream HTTP options) and, at an
// edge, the upstream TLS (mesh mTLS with the Gateway's identity: mesh-tls.ts).
import type { JsonObject } from '@crossway/protos';
import type { IrBackend, IrBackendPolicy } from '../ir/edge-ir';
import { healthChecks, httpProtocolOptions } from './cluster-options';
import { upstreamTls } from './mesh-tls';
import { adsConfigSource, duration, type EdgeBuilder } from './resources';

export const DEFAULT_CONNECT_TIMEOUT = '5s';

const LB_POLICIES: Record<NonNullable<IrBackendPolicy['loadBalancer']>, string> = {
  RoundRobin: 'ROUND_ROBIN',
  LeastRequest: 'LEAST_REQUEST',
  RingHash: 'RING_HASH',
  Random: 'RANDOM',
};

function circuitBreakers(
  limits: NonNullable<IrBackendPolicy['connectionLimits']>,
): JsonObject | undefined {
  const threshold: JsonObject = { priority: 'DEFAULT' };
  if (limits.maxConnections !== undefined) threshold['max_connections'] = limits.maxConnections;
  if (limits.maxPendingRequests !== undefined)
    threshold['max_pending_requests'] = limits.maxPendingRequests;
  if (limits.maxRequests !== undefined) threshold['max_requests'] = limits.maxRequests;
  if (limits.maxRetries !== undefined) threshold['max_retries'] = limits.maxRetries;
  // maxRequestsPerConnection alone is not a circuit breaker (cluster-options.ts).
  return Object.keys(threshold).length > 1 ? { thresholds: [threshold] } : undefined;
}

function outlierDetection(o: NonNullable<IrBackendPolicy['outlierDetection']>): JsonObject {
  const result: JsonObject = {
    consecutive_5xx: o.consecutive5xxErrors,
    interval: duration(o.interval),
    base_ejection_time: duration(o.baseEjectionTime),
    max_ejection_percent: o.maxEjectionPercent,
  };
  if (o.consecutiveGatewayErrors !== undefined) {
    result['consecutive_gateway_failure'] = o.consecutiveGatewayErrors;
    result['enforcing_consecutive_gateway_failure'] = 100;
  }
  return result;
}

export function translateCluster(backend: IrBackend): JsonObject {
  const { policy } = backend;
  const cluster: JsonObject = {
    name: backend.cluster,
    type: 'EDS',
    eds_cluster_config: { eds_config: adsConfigSource(), service_name: backend.cluster },
    connect_timeout:
      policy.connectTimeout === undefined
        ? DEFAULT_CONNECT_TIMEOUT
        : duration(policy.connectTimeout),
    lb_policy: LB_POLICIES[policy.loadBalancer ?? 'RoundRobin'],
  };
  const breakers = policy.connectionLimits && circuitBreakers(policy.connectionLimits);
  if (breakers) cluster['circuit_breakers'] = breakers;
  if (policy.outlierDetection)
    cluster['outlier_detection'] = outlierDetection(policy.outlierDetection);
  if (policy.loadBalancer === 'RingHash')
    cluster['ring_hash_lb_config'] = { hash_function: 'XX_HASH' };
  const checks = healthChecks(backend);
  if (checks) cluster['health_checks'] = checks;
  const protocolOptions = httpProtocolOptions(backend);
  if (protocolOptions) cluster['typed_extension_protocol_options'] = protocolOptions;
  if (backend.upstreamTls) cluster['transport_socket'] = upstreamTls(backend.upstreamTls);
  return cluster;
}

export const translateClusters: EdgeBuilder = {
  name: 'clusters',
  build: (ir) => ({ clusters: ir.backends.map(translateCluster) }),
};
