// Listeners: one per port on 0.0.0.0, an HCM per host set that fetches its route
// table over RDS; HTTPS host sets terminate TLS with SDS certificates (and check
// client certificates when the listener asks) and are told apart by SNI.
import type { JsonObject } from '@crossway/protos';
import type { EdgeIr, IrHostSet, IrListener } from '../ir/edge-ir';
import { downstreamTls } from './downstream-tls';
import { buildHttpFilters } from './http-filters';
import { adsConfigSource, anyOf, type EdgeBuilder } from './resources';

function connectionManager(ir: EdgeIr, set: IrHostSet, statPrefix: string): JsonObject {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: anyOf(
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      {
        stat_prefix: statPrefix,
        codec_type: 'AUTO',
        rds: { route_config_name: set.routeTable, config_source: adsConfigSource() },
        http_filters: buildHttpFilters(set.httpFilters),
        use_remote_address: true,
        xff_num_trusted_hops: ir.xffNumTrustedHops,
      },
    ),
  };
}

function filterChain(ir: EdgeIr, listener: IrListener, set: IrHostSet): JsonObject {
  const chain: JsonObject = {
    name: set.routeTable,
    filters: [connectionManager(ir, set, set.routeTable.replaceAll('/', '.'))],
  };
  if (listener.protocol === 'HTTPS') {
    if (set.serverNames.length > 0) chain['filter_chain_match'] = { server_names: set.serverNames };
    chain['transport_socket'] = downstreamTls(set.tlsSecrets, set.clientCASecrets, [
      'h2',
      'http/1.1',
    ]);
  }
  return chain;
}

export const TLS_INSPECTOR: JsonObject = {
  name: 'envoy.filters.listener.tls_inspector',
  typed_config: anyOf('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', {}),
};

function translateListener(ir: EdgeIr, listener: IrListener): JsonObject {
  const resource: JsonObject = {
    name: listener.name,
    address: { socket_address: { address: '0.0.0.0', port_value: listener.port } },
    filter_chains: listener.hostSets.map((set) => filterChain(ir, listener, set)),
  };
  if (listener.protocol === 'HTTPS') resource['listener_filters'] = [TLS_INSPECTOR];
  return resource;
}

export const translateListeners: EdgeBuilder = {
  name: 'listeners',
  build: (ir) => ({ listeners: ir.listeners.map((l) => translateListener(ir, l)) }),
};
