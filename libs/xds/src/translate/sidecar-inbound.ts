// Sidecar inbound: one listener per Service port of the workload on 0.0.0.0:<port>,
// forwarding to the local app (a STATIC cluster on 127.0.0.1:<targetPort>). The
// Mesh mTLS mode picks the filter chains: STRICT one mTLS chain, PERMISSIVE an mTLS
// and a plaintext chain told apart by transport protocol, DISABLED plaintext only.
// HTTP ports go through an HCM with the receiver's HTTP filters; TCP and TLS ports
// through network RBAC and tcp_proxy.
import type { JsonObject } from '@crossway/protos';
import type { SidecarInbound, SidecarIr } from '../ir/sidecar-ir';
import { buildHttpFilters } from './http-filters';
import { anyOf } from './resources';
import { networkRbacFilters } from './sidecar-network-rbac';
import type { SidecarBuilder } from './sidecar-profile';
import { downstreamMtls } from './mesh-tls';

const HTTP = new Set(['http', 'http2', 'grpc']);

function statPrefix(inbound: SidecarInbound): string {
  return inbound.name.replaceAll('/', '.');
}

function connectionManager(inbound: SidecarInbound): JsonObject {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: anyOf(
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      {
        stat_prefix: statPrefix(inbound),
        codec_type: 'AUTO',
        route_config: {
          name: inbound.name,
          virtual_hosts: [
            {
              name: inbound.appCluster,
              domains: ['*'],
              routes: [
                {
                  name: inbound.appCluster,
                  match: { prefix: '/' },
                  // The caller's route owns the request timeout; the local hop adds none.
                  route: { cluster: inbound.appCluster, timeout: '0s' },
                },
              ],
            },
          ],
        },
        http_filters: inbound.httpFilters ? buildHttpFilters(inbound.httpFilters) : [],
      },
    ),
  };
}

function networkFilters(inbound: SidecarInbound): JsonObject[] {
  if (HTTP.has(inbound.protocol)) return [connectionManager(inbound)];
  const rbac = networkRbacFilters(inbound.authorization, inbound);
  return [
    ...rbac,
    {
      name: 'envoy.filters.network.tcp_proxy',
      typed_config: anyOf('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', {
        stat_prefix: statPrefix(inbound),
        cluster: inbound.appCluster,
      }),
    },
  ];
}

function filterChains(ir: SidecarIr, inbound: SidecarInbound): JsonObject[] {
  const filters = networkFilters(inbound);
  const mtls: JsonObject = {
    name: `${inbound.name}/mtls`,
    filters,
    transport_socket: downstreamMtls(ir.trustDomain, HTTP.has(inbound.protocol)),
  };
  const plaintext: JsonObject = { name: `${inbound.name}/plaintext`, filters };
  if (ir.mtlsMode === 'STRICT') return [mtls];
  if (ir.mtlsMode === 'DISABLED') return [plaintext];
  return [
    { ...mtls, filter_chain_match: { transport_protocol: 'tls' } },
    { ...plaintext, filter_chain_match: { transport_protocol: 'raw_buffer' } },
  ];
}

function translateInboundListener(ir: SidecarIr, inbound: SidecarInbound): JsonObject {
  const listener: JsonObject = {
    name: inbound.name,
    address: { socket_address: { address: '0.0.0.0', port_value: inbound.port } },
    filter_chains: filterChains(ir, inbound),
  };
  if (ir.mtlsMode === 'PERMISSIVE')
    listener['listener_filters'] = [
      {
        name: 'envoy.filters.listener.tls_inspector',
        typed_config: anyOf('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', {}),
      },
    ];
  return listener;
}

function translateAppCluster(inbound: SidecarInbound): JsonObject {
  const cluster: JsonObject = {
    name: inbound.appCluster,
    type: 'STATIC',
    connect_timeout: '5s',
    load_assignment: {
      cluster_name: inbound.appCluster,
      endpoints: [
        {
          lb_endpoints: [
            {
              endpoint: {
                address: {
                  socket_address: { address: '127.0.0.1', port_value: inbound.targetPort },
                },
              },
            },
          ],
        },
      ],
    },
  };
  if (inbound.protocol === 'http2' || inbound.protocol === 'grpc')
    cluster['typed_extension_protocol_options'] = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': anyOf(
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        { explicit_http_config: { http2_protocol_options: {} } },
      ),
    };
  return cluster;
}

export const translateSidecarInbound: SidecarBuilder = {
  name: 'inbound',
  build: (ir) => ({
    listeners: ir.inbound.map((i) => translateInboundListener(ir, i)),
    clusters: ir.inbound.map(translateAppCluster),
  }),
};
