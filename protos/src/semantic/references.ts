// Which fields name another xDS resource, by the message type that holds them.
import { isJsonObject, type JsonObject } from '../json.ts';
import { fieldPath, indexPath } from '../paths.ts';
import type { ResourceKind } from '../type-url.ts';
import { text } from './visit.ts';

export interface Reference {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly path: string;
  /** What holds the reference, for messages: "route action", "RDS", ... */
  readonly via: string;
}

type Extract = (message: JsonObject, path: string) => Reference[];

function single(kind: ResourceKind, field: string, via: string): Extract {
  return (message, path) => {
    const name = text(message[field]);
    return name === undefined ? [] : [{ kind, name, path: fieldPath(path, field), via }];
  };
}

const aggregateClusters: Extract = (message, path) => {
  const names = message.clusters;
  if (!Array.isArray(names)) return [];
  return names.flatMap((name, index) =>
    typeof name === 'string' && name !== ''
      ? [
          {
            kind: 'clusters' as const,
            name,
            path: indexPath(fieldPath(path, 'clusters'), index),
            via: 'aggregate cluster',
          },
        ]
      : [],
  );
};

// SDS names without an sds_config refer to static secrets in the bootstrap, not to SDS.
const sdsSecret: Extract = (message, path) =>
  isJsonObject(message.sds_config)
    ? single('secrets', 'name', 'SDS secret config')(message, path)
    : [];

// An EDS cluster reads the ClusterLoadAssignment named by service_name, or by its own name.
const edsEndpoints: Extract = (message, path) => {
  if (message.type !== 'EDS') return [];
  const eds = isJsonObject(message.eds_cluster_config) ? message.eds_cluster_config : {};
  const serviceName = text(eds.service_name);
  const name = serviceName ?? text(message.name);
  if (name === undefined) return [];
  const where = serviceName === undefined ? 'name' : 'eds_cluster_config.service_name';
  return [{ kind: 'endpoints', name, path: fieldPath(path, where), via: 'EDS cluster' }];
};

export const REFERENCE_FIELDS: ReadonlyMap<string, Extract> = new Map([
  ['envoy.config.route.v3.RouteAction', single('clusters', 'cluster', 'route action')],
  [
    'envoy.config.route.v3.RouteAction.RequestMirrorPolicy',
    single('clusters', 'cluster', 'request mirror policy'),
  ],
  [
    'envoy.config.route.v3.WeightedCluster.ClusterWeight',
    single('clusters', 'name', 'weighted cluster'),
  ],
  [
    'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
    single('clusters', 'cluster', 'tcp_proxy'),
  ],
  [
    'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight',
    single('clusters', 'name', 'tcp_proxy weighted cluster'),
  ],
  [
    'envoy.config.core.v3.GrpcService.EnvoyGrpc',
    single('clusters', 'cluster_name', 'gRPC service'),
  ],
  ['envoy.config.core.v3.HttpUri', single('clusters', 'cluster', 'HTTP URI')],
  ['envoy.extensions.clusters.aggregate.v3.ClusterConfig', aggregateClusters],
  [
    'envoy.extensions.filters.network.http_connection_manager.v3.Rds',
    single('routes', 'route_config_name', 'RDS'),
  ],
  ['envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig', sdsSecret],
  ['envoy.config.cluster.v3.Cluster', edsEndpoints],
]);
