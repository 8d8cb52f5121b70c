// The edge IR of one Gateway: its ready HTTP and HTTPS listeners grouped by port,
// their virtual hosts and routes in the policy layer's order, and the backends
// those routes use. Pure: same resolved policy, same IR.
import type {
  ReceiverTarget,
  ResolvedGateway,
  ResolvedListener,
  ResolvedPolicy,
  VirtualHost,
} from '@crossway/policy';
import { buildBackends, clustersOfRoutes } from './build-backends';
import { buildHttpFilterIr } from './build-http-filter-ir';
import { buildRouteIr, type RouteSite } from './build-route-ir';
import type { EdgeIr, IrHostSet, IrListener, IrVirtualHost } from './edge-ir';
import { gatewayListenerName, gatewayPortName, secretName } from './names';

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

function buildListeners(resolved: ResolvedPolicy, gateway: ResolvedGateway): IrListener[] {
  const byPort = new Map<number, ResolvedListener[]>();
  for (const listener of gateway.listeners) {
    if (!listener.ready) continue;
    if (listener.protocol !== 'HTTP' && listener.protocol !== 'HTTPS') continue;
    if (listener.protocol === 'HTTPS' && listener.tls?.mode !== 'Terminate') continue;
    const group = byPort.get(listener.port) ?? [];
    // One port speaks one protocol: the first listener on it decides.
    if (group[0] !== undefined && group[0].protocol !== listener.protocol) continue;
    group.push(listener);
    byPort.set(listener.port, group);
  }
  return [...byPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, group]): IrListener => {
      const protocol = group[0]?.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP';
      return {
        name: gatewayPortName(gateway, port),
        port,
        protocol,
        hostSets:
          protocol === 'HTTP'
            ? [buildHttpHostSet(resolved, gateway, port, group)]
            : buildHttpsHostSets(resolved, gateway, port, group),
      };
    });
}

function clustersOfListeners(listeners: readonly IrListener[]): Set<string> {
  return clustersOfRoutes(
    listeners.flatMap((l) => l.hostSets.flatMap((s) => s.virtualHosts.flatMap((v) => v.routes))),
  );
}

/** The edge IR for Gateway "namespace/name", or undefined when no such Gateway resolved. */
export function buildEdgeIr(resolved: ResolvedPolicy, gateway: string): EdgeIr | undefined {
  const found = resolved.gateways.find((g) => `${g.namespace}/${g.name}` === gateway);
  if (!found) return undefined;
  const listeners = buildListeners(resolved, found);
  return {
    gateway: { namespace: found.namespace, name: found.name },
    xffNumTrustedHops: found.xffNumTrustedHops,
    listeners,
    backends: buildBackends(resolved, clustersOfListeners(listeners), {
      namespace: found.namespace,
      name: found.name,
    }),
  };
}
