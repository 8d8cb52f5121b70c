// Server Listeners for xDS-enabled gRPC servers. A server binding IP:port asks
// for "grpc/server?xds.resource.listening_address=IP:port"; the Listener echoes
// that address (gRPC refuses to serve otherwise) and has one filter chain: a
// connection manager with an inline route table whose one route takes
// non_forwarding_action, the receiving-side filters gRPC servers accept (rbac,
// router), and the Mesh's mTLS through certificate providers.
import type { JsonObject } from '@crossway/protos';
import type { ProxylessIr, ProxylessServer } from '../ir/proxyless-ir';
import { PROXYLESS_SERVER_LISTENER_TEMPLATE, proxylessServerListenerName } from '../ir/names';
import { buildHttpFilters } from './http-filters';
import { HCM_TYPE } from './proxyless-listeners';
import type { ProxylessBuilder } from './proxyless-profile';
import { downstreamTlsSocket } from './proxyless-tls';
import { anyOf } from './resources';

/**
 * HTTP filter types a gRPC server accepts (its registry is keyed by type URL);
 * any other non-optional filter makes it NACK the Listener.
 */
const SERVER_FILTER_TYPES: ReadonlySet<string> = new Set([
  'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC',
  'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
]);

function filterType(filter: JsonObject): string | undefined {
  const config = filter['typed_config'];
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
  const type = config['@type'];
  return typeof type === 'string' ? type : undefined;
}

function serverHttpFilters(server: ProxylessServer): JsonObject[] {
  return buildHttpFilters(server.httpFilters).filter((f) =>
    SERVER_FILTER_TYPES.has(filterType(f) ?? ''),
  );
}

/** "grpc-server/<ns>/<name>/port/<port>": the inline route table and the filter chain. */
function serverTableName(ir: ProxylessIr, server: ProxylessServer): string {
  const s = ir.service;
  return `grpc-server/${s?.namespace ?? ''}/${s?.name ?? ''}/port/${server.port}`;
}

function translateServerListener(
  ir: ProxylessIr,
  server: ProxylessServer,
  address: string,
  port: number,
): JsonObject {
  const table = serverTableName(ir, server);
  const chain: JsonObject = {
    name: table,
    filters: [
      {
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: anyOf(HCM_TYPE, {
          stat_prefix: table,
          route_config: {
            name: table,
            virtual_hosts: [
              {
                name: 'inbound',
                domains: ['*'],
                routes: [{ name: 'inbound', match: { prefix: '/' }, non_forwarding_action: {} }],
              },
            ],
          },
          http_filters: serverHttpFilters(server),
        }),
      },
    ],
  };
  if (server.tls)
    chain['transport_socket'] = downstreamTlsSocket(server.tls.requireClientCertificate);
  return {
    name: proxylessServerListenerName(address, port),
    address: { socket_address: { address, port_value: port } },
    filter_chains: [chain],
  };
}

/** Parses "grpc/server?xds.resource.listening_address=<ip>:<port>" ([v6] in brackets). */
export function parseServerListenerName(
  name: string,
): { address: string; port: number } | undefined {
  const prefix = PROXYLESS_SERVER_LISTENER_TEMPLATE.replace('%s', '');
  if (!name.startsWith(prefix)) return undefined;
  const hostPort = name.slice(prefix.length);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(hostPort);
  if (!match) return undefined;
  const port = Number(match[3]);
  const address = match[1] ?? match[2];
  if (address === undefined || port < 1 || port > 65535) return undefined;
  return { address, port };
}

/**
 * The Listener for a server listener name a proxyless server requested, when its
 * port is one its Service's Workloads serve (or a Service port); undefined otherwise.
 * Its socket_address echoes the requested IP and port.
 */
export function proxylessServerListener(
  ir: ProxylessIr,
  requestedName: string,
): JsonObject | undefined {
  const wanted = parseServerListenerName(requestedName);
  if (!wanted) return undefined;
  const server =
    ir.servers.find((s) => s.addresses.some((a) => a.port === wanted.port)) ??
    ir.servers.find((s) => s.port === wanted.port);
  if (!server) return undefined;
  const listener = translateServerListener(ir, server, wanted.address, wanted.port);
  // Echo the requested spelling of the name, as gRPC watches it.
  return { ...listener, name: requestedName };
}

export const translateProxylessServers: ProxylessBuilder = {
  name: 'proxyless-servers',
  build: (ir) => ({
    listeners: ir.servers.flatMap((server) =>
      server.addresses.map((a) => translateServerListener(ir, server, a.address, a.port)),
    ),
  }),
};
