// The edge IR of one Gateway: its ready listeners grouped by port (HTTP and HTTPS
// with virtual hosts and routes in the policy layer's order; TLS and TCP in
// build-l4-listeners.ts), and the backends those routes use, with mesh mTLS
// from the edge's own identity. Pure: same resolved policy, same IR.
import {
  serviceIndex,
  type ReceiverTarget,
  type ResolvedGateway,
  type ResolvedListener,
  type ResolvedPolicy,
  type VirtualHost,
} from '@crossway/policy';
import { buildBackends, clustersOfRoutes } from './build-backends';
import { buildHttpFilterIr } from './build-http-filter-ir';
import { buildL4Listeners, clustersOfL4Listeners } from './build-l4-listeners';
import { buildRouteIr, type RouteSite } from './build-route-ir';
import type {
  EdgeIr,
  IrBackend,
  IrHostSet,
  IrL4Listener,
  IrListener,
  IrVirtualHost,
} from './edge-ir';
import { gatewayListenerName, gatewayPortName, gatewaySpiffeId, secretName } from './names';
import { upstreamTlsOf } from './upstream-tls';

function buildVirtualHost(vhost: VirtualHost, port: number, site: RouteSite): IrVirtualHost {
  return {
    name: vhost.hostname,
    domains: vhost.hostname === '*' ? ['*'] : [vhost.hostname, `${vhost.hostname}:${port}`],
    routes: vhost.entries.map((entry) => buildRouteIr(entry, site)),
  };
}

function siteOf(resolved: ResolvedPolicy, gateway: ResolvedGateway, section: string): RouteSite {
  return {
    resolved,
    listener: { namespace: gateway.namespace, name: gateway.name, sectionName: section },
  };
}

/** Whose receiving-side policies a host set enforces: the Gateway, with the section when only one listener is served. */
function gatewayTarget(
  gateway: ResolvedGateway,
  listeners: readonly ResolvedListener[],
): ReceiverTarget {
  const [only] = listeners;
  return listeners.length === 1 && only
    ? { kind: 'Gateway', namespace: gateway.namespace, name: gateway.name, sectionName: only.name }
    : { kind: 'Gateway', namespace: gateway.namespace, name: gateway.name };
}

/** Plain HTTP cannot tell listeners on one port apart: their hosts share one table, first listener first. */
function buildHttpHostSet(
  resolved: ResolvedPolicy,
  gateway: ResolvedGateway,
  port: number,
  listeners: ResolvedListener[],
): IrHostSet {
  const seen = new Set<string>();
  const virtualHosts: IrVirtualHost[] = [];
  for (const listener of listeners)
    for (const vhost of listener.virtualHosts) {
      if (seen.has(vhost.hostname)) continue;
      seen.add(vhost.hostname);
      virtualHosts.push(buildVirtualHost(vhost, port, siteOf(resolved, gateway, listener.name)));
    }
  return {
    routeTable: gatewayPortName(gateway, port),
    sections: listeners.map((l) => l.name),
    serverNames: [],
    tlsSecrets: [],
    clientCASecrets: [],
    virtualHosts,
    httpFilters: buildHttpFilterIr({
      resolved,
      role: 'edge',
      target: gatewayTarget(gateway, listeners),
      routes: virtualHosts.flatMap((v) => v.routes),
    }),
  };
}

function buildHttpsHostSets(
  resolved: ResolvedPolicy,
  gateway: ResolvedGateway,
  port: number,
  listeners: ResolvedListener[],
): IrHostSet[] {
  const seen = new Set<string>();
  const sets: IrHostSet[] = [];
  for (const listener of listeners) {
    const sni = listener.hostname ?? '*';
    // Two listeners with one SNI name cannot both be served; the first in spec order wins.
    if (seen.has(sni)) continue;
    seen.add(sni);
    const virtualHosts = listener.virtualHosts.map((v) =>
      buildVirtualHost(v, port, siteOf(resolved, gateway, listener.name)),
    );
    sets.push({
      routeTable: gatewayListenerName(gateway, listener.name),
      sections: [listener.name],
      serverNames: listener.hostname === undefined ? [] : [listener.hostname],
      tlsSecrets: (listener.tls?.certificateRefs ?? []).map(secretName),
      clientCASecrets: (listener.tls?.clientCARefs ?? []).map(secretName),
      virtualHosts,
      httpFilters: buildHttpFilterIr({
        resolved,
        role: 'edge',
        target: gatewayTarget(gateway, [listener]),
        routes: virtualHosts.flatMap((v) => v.routes),
      }),
    });
  }
  return sets;
}

/** Ready listeners by port; one port speaks one protocol: the first listener on it decides. */
function listenersByPort(gateway: ResolvedGateway): [number, ResolvedListener[]][] {
  const byPort = new Map<number, ResolvedListener[]>();
  for (const listener of gateway.listeners) {
    if (!listener.ready) continue;
    if (listener.protocol === 'HTTPS' && listener.tls?.mode !== 'Terminate') continue;
    const group = byPort.get(listener.port) ?? [];
    if (group[0] !== undefined && group[0].protocol !== listener.protocol) continue;
    group.push(listener);
    byPort.set(listener.port, group);
  }
  return [...byPort.entries()].sort(([a], [b]) => a - b);
}

function buildListeners(
  resolved: ResolvedPolicy,
  gateway: ResolvedGateway,
  ports: [number, ResolvedListener[]][],
): IrListener[] {
  return ports.flatMap(([port, group]): IrListener[] => {
    const protocol = group[0]?.protocol;
    if (protocol !== 'HTTP' && protocol !== 'HTTPS') return [];
    return [
      {
        name: gatewayPortName(gateway, port),
        port,
        protocol,
        hostSets:
          protocol === 'HTTP'
            ? [buildHttpHostSet(resolved, gateway, port, group)]
            : buildHttpsHostSets(resolved, gateway, port, group),
      },
    ];
  });
}

function clustersOfListeners(listeners: readonly IrListener[]): Set<string> {
  return clustersOfRoutes(
    listeners.flatMap((l) => l.hostSets.flatMap((s) => s.virtualHosts.flatMap((v) => v.routes))),
  );
}

/** Clusters of TLS passthrough chains: the client's TLS reaches the upstream as it is. */
function passthroughClusters(listeners: readonly IrL4Listener[]): Set<string> {
  const names = new Set<string>();
  for (const listener of listeners)
    for (const chain of listener.chains)
      if (listener.protocol === 'TLS' && chain.tlsSecrets.length === 0)
        for (const b of chain.backends) names.add(b.cluster);
  return names;
}

/**
 * Upstream TLS as sidecars originate it (upstream-tls.ts), with the edge's own
 * identity; a cluster a passthrough chain uses gets none (one cluster, one socket).
 */
function withUpstreamTls(
  resolved: ResolvedPolicy,
  backends: IrBackend[],
  passthrough: ReadonlySet<string>,
): IrBackend[] {
  const services = serviceIndex(resolved);
  return backends.map((backend) => {
    if (passthrough.has(backend.cluster)) return backend;
    const service = services.get(`${backend.service.namespace}/${backend.service.name}`);
    const tls = service && upstreamTlsOf(resolved, service);
    return tls ? { ...backend, upstreamTls: tls } : backend;
  });
}

export interface EdgeIrOptions {
  /**
   * The edge proxies' own locality (node.locality). Only locality failover reads it;
   * without it every locality has the same priority. A snapshot built with it is
   * shared by every edge of the Gateway in that locality, never per proxy.
   */
  locality?: { region?: string; zone?: string };
}

/** The edge IR for Gateway "namespace/name", or undefined when no such Gateway resolved. */
export function buildEdgeIr(
  resolved: ResolvedPolicy,
  gateway: string,
  options: EdgeIrOptions = {},
): EdgeIr | undefined {
  const found = resolved.gateways.find((g) => `${g.namespace}/${g.name}` === gateway);
  if (!found) return undefined;
  const ports = listenersByPort(found);
  const listeners = buildListeners(resolved, found, ports);
  const l4Listeners = buildL4Listeners(found, ports);
  const wanted = clustersOfListeners(listeners);
  for (const name of clustersOfL4Listeners(l4Listeners)) wanted.add(name);
  const gatewayRef = { namespace: found.namespace, name: found.name };
  const ir: EdgeIr = {
    gateway: gatewayRef,
    identity: gatewaySpiffeId(resolved.mesh.spec.trustDomain, found.namespace, found.name),
    xffNumTrustedHops: found.xffNumTrustedHops,
    listeners,
    l4Listeners,
    backends: withUpstreamTls(
      resolved,
      buildBackends(resolved, wanted, gatewayRef),
      passthroughClusters(l4Listeners),
    ),
  };
  if (options.locality) ir.locality = { ...options.locality };
  return ir;
}
