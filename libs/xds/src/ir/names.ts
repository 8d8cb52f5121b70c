// Derived config names: a reader of a config dump traces each one back to the
// object that made it. Never random, never order-dependent.

export function clusterName(service: { namespace: string; name: string }, port: number): string {
  return `outbound|${port}||${service.name}.${service.namespace}`;
}

export function gatewayPortName(
  gateway: { namespace: string; name: string },
  port: number,
): string {
  return `gateway/${gateway.namespace}/${gateway.name}/port/${port}`;
}

export function gatewayListenerName(
  gateway: { namespace: string; name: string },
  section: string,
): string {
  return `gateway/${gateway.namespace}/${gateway.name}/listener/${section}`;
}

export function secretName(secret: { namespace: string; name: string }): string {
  return `secret/${secret.namespace}/${secret.name}`;
}

/** Sidecar listener (and dedicated route table): "sidecar/<ns>/<name>/<inbound|outbound>/<port>". */
export function sidecarListenerName(
  service: { namespace: string; name: string },
  direction: 'inbound' | 'outbound',
  port: number,
): string {
  return `sidecar/${service.namespace}/${service.name}/${direction}/${port}`;
}

/** The sidecar's Host-routed outbound route table: "sidecar/<ns>/<name>/outbound". */
export function sidecarOutboundTableName(service: { namespace: string; name: string }): string {
  return `sidecar/${service.namespace}/${service.name}/outbound`;
}

/** The local app behind a sidecar's inbound port: "inbound|<port>||<name>.<ns>". */
export function inboundClusterName(
  service: { namespace: string; name: string },
  port: number,
): string {
  return `inbound|${port}||${service.name}.${service.namespace}`;
}

/** A workload's SPIFFE ID (contract "Names and identity"). */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The SPIFFE ID of the edges of Gateway `gateway` (contract "Names and identity"). */
export function gatewaySpiffeId(trustDomain: string, namespace: string, gateway: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/gateway/${gateway}`;
}

/**
 * SDS names of the mesh identity, fetched over ADS by sidecars and edges alike (and
 * the proxyless certificate provider instances): each proxy's stream serves its own
 * certificate (a workload's, or its Gateway's for an edge) and the trust bundle.
 */
export const MESH_CERTIFICATE_SDS = 'crossway-identity';
export const MESH_TRUST_BUNDLE_SDS = 'crossway-roots';

/** The name an xDS-enabled gRPC server requests for the address it binds (bootstrap template). */
export const PROXYLESS_SERVER_LISTENER_TEMPLATE = 'grpc/server?xds.resource.listening_address=%s';

/** "grpc/server?xds.resource.listening_address=<ip>:<port>" (IPv6 in brackets). */
export function proxylessServerListenerName(address: string, port: number): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return PROXYLESS_SERVER_LISTENER_TEMPLATE.replace('%s', `${host}:${port}`);
}
