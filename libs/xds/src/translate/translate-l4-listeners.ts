// TLS and TCP listeners: one per port on 0.0.0.0. TLS reads the SNI with the
// tls_inspector and picks a chain by server_names; the chain passes the TLS
// stream through (mode Passthrough) or terminates it (mode Terminate), then
// tcp_proxy sends the bytes to one cluster or weighted clusters. A chain without
// backends has no filters, so Envoy closes its connections.
import type { JsonObject } from '@crossway/protos';
import type { EdgeIr, IrL4Chain, IrL4Listener } from '../ir/edge-ir';
import { downstreamTls } from './downstream-tls';
import { anyOf, duration, type EdgeBuilder } from './resources';
import { TLS_INSPECTOR } from './translate-listeners';

/** The shortest idle timeout among the chain's backends (TrafficPolicy timeouts.idle). */
function idleTimeout(ir: EdgeIr, chain: IrL4Chain): number | undefined {
  const wanted = new Set(chain.backends.map((b) => b.cluster));
  const idle = ir.backends.flatMap((b) =>
    wanted.has(b.cluster) && b.policy.idleTimeout !== undefined ? [b.policy.idleTimeout] : [],
  );
  return idle.length === 0 ? undefined : Math.min(...idle);
}

function tcpProxy(ir: EdgeIr, chain: IrL4Chain): JsonObject {
  const config: JsonObject = { stat_prefix: chain.name.replaceAll('/', '.') };
  const [only] = chain.backends;
  if (chain.backends.length === 1 && only) config['cluster'] = only.cluster;
  else
    config['weighted_clusters'] = {
      clusters: chain.backends.map((b) => ({ name: b.cluster, weight: b.weight })),
    };
  const idle = idleTimeout(ir, chain);
  if (idle !== undefined) config['idle_timeout'] = duration(idle);
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: anyOf('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', config),
  };
}

function filterChain(ir: EdgeIr, chain: IrL4Chain): JsonObject {
  const result: JsonObject = {
    name: chain.name,
    filters: chain.backends.length > 0 ? [tcpProxy(ir, chain)] : [],
  };
  if (chain.serverNames.length > 0)
    result['filter_chain_match'] = { server_names: chain.serverNames };
  if (chain.tlsSecrets.length > 0)
    result['transport_socket'] = downstreamTls(chain.tlsSecrets, chain.clientCASecrets, []);
  return result;
}

function translateL4Listener(ir: EdgeIr, listener: IrL4Listener): JsonObject {
  const chains = listener.chains.map((c) => filterChain(ir, c));
  const resource: JsonObject = {
    name: listener.name,
    address: { socket_address: { address: '0.0.0.0', port_value: listener.port } },
    // A port with no routes is still bound; its one chain has no filters, so every
    // connection is closed.
    filter_chains:
      chains.length > 0 ? chains : [{ name: `${listener.name}/no-routes`, filters: [] }],
  };
  if (listener.protocol === 'TLS') resource['listener_filters'] = [TLS_INSPECTOR];
  return resource;
}

export const translateL4Listeners: EdgeBuilder = {
  name: 'l4-listeners',
  build: (ir) => ({ listeners: ir.l4Listeners.map((l) => translateL4Listener(ir, l)) }),
};
