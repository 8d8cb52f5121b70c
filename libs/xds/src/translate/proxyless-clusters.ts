// Clusters for proxyless gRPC clients: EDS over ADS, ROUND_ROBIN or RING_HASH
// (grpc-js-xds NACKs other lb_policy values), circuit breaking by max_requests
// (the only threshold gRPC reads), outlier detection, and mTLS through the
// certificate providers with the upstream's SPIFFE ID.
import type { JsonObject } from '@crossway/protos';
import type { ProxylessBackend } from '../ir/proxyless-ir';
import type { ProxylessBuilder } from './proxyless-profile';
import { upstreamTlsSocket } from './proxyless-tls';
import { adsConfigSource, duration } from './resources';

function translateCluster(backend: ProxylessBackend): JsonObject {
  const { policy } = backend;
  const cluster: JsonObject = {
    name: backend.cluster,
    type: 'EDS',
    eds_cluster_config: { eds_config: adsConfigSource(), service_name: backend.cluster },
    lb_policy: policy.loadBalancer === 'RingHash' ? 'RING_HASH' : 'ROUND_ROBIN',
  };
  const maxRequests = policy.connectionLimits?.maxRequests;
  if (maxRequests !== undefined)
    cluster['circuit_breakers'] = {
      thresholds: [{ priority: 'DEFAULT', max_requests: maxRequests }],
    };
  const outlier = policy.outlierDetection;
  if (outlier)
    cluster['outlier_detection'] = {
      interval: duration(outlier.interval),
      base_ejection_time: duration(outlier.baseEjectionTime),
      max_ejection_percent: outlier.maxEjectionPercent,
    };
  if (backend.tls) cluster['transport_socket'] = upstreamTlsSocket(backend.tls.subjectAltNames);
  return cluster;
}

export const translateProxylessClusters: ProxylessBuilder = {
  name: 'proxyless-clusters',
  build: (ir) => ({ clusters: ir.backends.map(translateCluster) }),
};
