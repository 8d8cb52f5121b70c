// Sidecar outbound listeners on 127.0.0.1: HTTP ports run an HCM that fetches its
// route table over RDS (Host-routed or dedicated to one Service port), TCP ports
// dedicated to one upstream run tcp_proxy to its cluster.
import type { JsonObject } from '@crossway/protos';
import type { SidecarOutbound } from '../ir/sidecar-ir';
import { buildHttpFilters } from './http-filters';
import { adsConfigSource, anyOf } from './resources';
import type { SidecarBuilder } from './sidecar-profile';

function networkFilter(outbound: SidecarOutbound): JsonObject {
  const statPrefix = outbound.name.replaceAll('/', '.');
  if (outbound.kind === 'tcp')
    return {
      name: 'envoy.filters.network.tcp_proxy',
      typed_config: anyOf('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', {
        stat_prefix: statPrefix,
        cluster: outbound.cluster ?? '',
      }),
    };
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: anyOf(
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      {
        stat_prefix: statPrefix,
        codec_type: 'AUTO',
        rds: { route_config_name: outbound.routeTable ?? '', config_source: adsConfigSource() },
        http_filters: outbound.httpFilters ? buildHttpFilters(outbound.httpFilters) : [],
      },
    ),
  };
}

function translateOutboundListener(outbound: SidecarOutbound): JsonObject {
  return {
    name: outbound.name,
    address: { socket_address: { address: '127.0.0.1', port_value: outbound.port } },
    filter_chains: [{ name: outbound.name, filters: [networkFilter(outbound)] }],
  };
}

export const translateSidecarOutbound: SidecarBuilder = {
  name: 'outbound',
  build: (ir) => ({ listeners: ir.outbound.map(translateOutboundListener) }),
};
