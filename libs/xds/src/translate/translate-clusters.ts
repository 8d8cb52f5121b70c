// Clusters: one per backend Service port, endpoints over EDS through ADS.
// HTTP/2 and gRPC ports speak HTTP/2 upstream.
import type { JsonObject } from '@crossway/protos';
import type { IrBackend, IrBackendPolicy } from '../ir/edge-ir';
import { adsConfigSource, anyOf, duration, type EdgeBuilder } from './resources';

export const DEFAULT_CONNECT_TIMEOUT = '5s';

const LB_POLICIES: Record<NonNullable<IrBackendPolicy['loadBalancer']>, string> = {
  RoundRobin: 'ROUND_ROBIN',
  LeastRequest: 'LEAST_REQUEST',
  RingHash: 'RING_HASH',
  Random: 'RANDOM',
};

function circuitBreakers(limits: NonNullable<IrBackendPolicy['connectionLimits']>): JsonObject {
  const threshold: JsonObject = { priority: 'DEFAULT' };
  if (limits.maxConnections !== undefined) threshold['max_connections'] = limits.maxConnections;
  if (limits.maxPendingRequests !== undefined)
    threshold['max_pending_requests'] = limits.maxPendingRequests;
  if (limits.maxRequests !== undefined) threshold['max_requests'] = limits.maxRequests;
  if (limits.maxRetries !== undefined) threshold['max_retries'] = limits.maxRetries;
  return { thresholds: [threshold] };
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

function translateCluster(backend: IrBackend): JsonObject {
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
  if (policy.connectionLimits)
    cluster['circuit_breakers'] = circuitBreakers(policy.connectionLimits);
  if (policy.outlierDetection)
    cluster['outlier_detection'] = outlierDetection(policy.outlierDetection);
  if (backend.protocol === 'http2' || backend.protocol === 'grpc')
    cluster['typed_extension_protocol_options'] = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': anyOf(
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        { explicit_http_config: { http2_protocol_options: {} } },
      ),
    };
  return cluster;
}

export const translateClusters: EdgeBuilder = {
  name: 'clusters',
  build: (ir) => ({ clusters: ir.backends.map(translateCluster) }),
};
