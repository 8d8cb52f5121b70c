import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ENVOY_PROTO_FILES,
  envoyProtosLoadStats,
  findMessageType,
  inferEnvoyApiRelease,
  loadEnvoyProtos,
  loadProtoFiles,
  ProtosError,
  protosVersionInfo,
  resolveProtoSources,
} from '../src/index.ts';

const EMITTED_TYPES = [
  'envoy.service.discovery.v3.AggregatedDiscoveryService',
  'envoy.service.discovery.v3.DiscoveryRequest',
  'envoy.service.discovery.v3.DeltaDiscoveryResponse',
  'envoy.config.listener.v3.Listener',
  'envoy.config.route.v3.RouteConfiguration',
  'envoy.config.cluster.v3.Cluster',
  'envoy.config.endpoint.v3.ClusterLoadAssignment',
  'envoy.extensions.transport_sockets.tls.v3.Secret',
  'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  'envoy.extensions.filters.http.router.v3.Router',
  'envoy.extensions.filters.http.rbac.v3.RBAC',
  'envoy.extensions.filters.http.cors.v3.Cors',
  'envoy.extensions.filters.http.cors.v3.CorsPolicy',
  'envoy.extensions.filters.http.fault.v3.HTTPFault',
  'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication',
  'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  'envoy.extensions.filters.network.rbac.v3.RBAC',
  'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  'envoy.extensions.filters.listener.http_inspector.v3.HttpInspector',
  'envoy.extensions.access_loggers.file.v3.FileAccessLog',
  'envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  'envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash',
  'envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality',
  'envoy.config.core.v3.HealthCheck',
  'envoy.service.status.v3.ClientStatusResponse',
  'xds.type.v3.TypedStruct',
];

describe('loadEnvoyProtos', () => {
  it('finds the protos through the installed grpc-js-xds package', () => {
    const { packageDir, includeDirs } = resolveProtoSources();
    expect(packageDir).toContain(join('node_modules', '@grpc', 'grpc-js-xds'));
    expect(includeDirs.map((dir) => dir.split(sep).slice(-2).join('/'))).toEqual([
      'deps/envoy-api',
      'deps/xds',
      'deps/googleapis',
      'deps/protoc-gen-validate',
    ]);
  });

  it('loads once and hands out the same root afterwards', () => {
    const root = loadEnvoyProtos();
    expect(loadEnvoyProtos()).toBe(root);
    const stats = envoyProtosLoadStats();
    expect(stats.files).toBeGreaterThan(ENVOY_PROTO_FILES.length);
    expect(stats.millis).toBeGreaterThan(0);
  });

  it.each(EMITTED_TYPES)('defines %s', (typeName) => {
    expect(findMessageType(loadEnvoyProtos(), typeName) ?? findService(typeName)).toBeDefined();
  });

  it('keeps protoc-gen-validate options as structured parsed options', () => {
    const name = loadEnvoyProtos().lookupType('envoy.config.cluster.v3.Cluster').fields.name;
    expect(name?.parsedOptions).toEqual([{ '(validate.rules)': { string: { min_len: 1 } } }]);
  });

  it('keeps field names in snake_case, as Envoy writes them', () => {
    const fields = loadEnvoyProtos().lookupType('envoy.config.cluster.v3.Cluster').fields;
    expect(Object.keys(fields)).toContain('connect_timeout');
  });

  it('reports a missing import with the file that wanted it', () => {
    const load = () => loadProtoFiles(['envoy/does/not/exist.proto']);
    expect(load).toThrow(ProtosError);
    expect(load).toThrow(/cannot find envoy\/does\/not\/exist.proto/);
  });
});

describe('protosVersionInfo', () => {
  it('names the grpc-js-xds package version and the Envoy 1.31 API', () => {
    const info = protosVersionInfo();
    expect(info.grpcJsXds).toBe('1.14.1');
    expect(info.envoyApiRelease).toBe('1.31');
  });

  it('infers no release for protos that lack the 1.30 fields', () => {
    const root = loadProtoFiles(['envoy/config/core/v3/base.proto']);
    expect(inferEnvoyApiRelease(root)).toBeUndefined();
  });
});

function findService(name: string): unknown {
  return loadEnvoyProtos().lookup(`.${name}`) ?? undefined;
}
