// TLS and TCP Gateway ports as IR. TLS: one chain per TLSRoute rule, told apart
// by SNI; each SNI name belongs to the first entry that claims it (the policy
// layer ranks the most specific hostname, then the oldest route, first), so no two
// chains of a port match the same name. TCP: one chain; the oldest TCPRoute wins.
import type { L4RouteEntry, ResolvedGateway, ResolvedListener } from '@crossway/policy';
import type { IrL4Chain, IrL4Listener } from './edge-ir';
import { clusterName, gatewayListenerName, gatewayPortName, secretName } from './names';

function chainOf(
  gateway: ResolvedGateway,
  listener: ResolvedListener,
  entry: L4RouteEntry,
  serverNames: string[],
): IrL4Chain {
  const { action } = entry;
  const terminate = listener.protocol === 'TLS' && listener.tls?.mode === 'Terminate';
  return {
    name: `${gatewayListenerName(gateway, listener.name)}/${entry.name}`,
    section: listener.name,
    serverNames,
    tlsSecrets: terminate ? (listener.tls?.certificateRefs ?? []).map(secretName) : [],
    clientCASecrets: terminate ? (listener.tls?.clientCARefs ?? []).map(secretName) : [],
    backends:
      action.type === 'Forward'
        ? action.backends
            .filter((b) => b.weight > 0)
            .map((b) => ({ cluster: clusterName(b.service, b.port), weight: b.weight }))
        : [],
    invalidWeight: action.type === 'Forward' ? action.invalidWeight : 0,
  };
}

function tlsChains(gateway: ResolvedGateway, listeners: readonly ResolvedListener[]): IrL4Chain[] {
  const claimed = new Set<string>();
  const names = new Set<string>();
  const chains: IrL4Chain[] = [];
  for (const listener of listeners)
    for (const entry of listener.l4Routes) {
      const wanted = entry.hostnames.length === 0 ? ['*'] : entry.hostnames;
      const free = wanted.filter((h) => !claimed.has(h.toLowerCase()));
      if (free.length === 0) continue;
      const chain = chainOf(
        gateway,
        listener,
        entry,
        free.includes('*') ? [] : free.map((h) => h.toLowerCase()),
      );
      // A route attached twice to one listener gives one chain.
      if (names.has(chain.name)) continue;
      // A chain without SNI names answers every name: it claims "*" only.
      for (const h of chain.serverNames.length === 0 ? ['*'] : chain.serverNames) claimed.add(h);
      names.add(chain.name);
      chains.push(chain);
    }
  return chains;
}

function tcpChains(gateway: ResolvedGateway, listeners: readonly ResolvedListener[]): IrL4Chain[] {
  for (const listener of listeners) {
    const [oldest] = listener.l4Routes;
    if (oldest) return [chainOf(gateway, listener, oldest, [])];
  }
  return [];
}

/** One IR listener per TLS or TCP port; `ports` are the Gateway's ready listeners by port. */
export function buildL4Listeners(
  gateway: ResolvedGateway,
  ports: readonly [number, ResolvedListener[]][],
): IrL4Listener[] {
  return ports.flatMap(([port, group]): IrL4Listener[] => {
    const protocol = group[0]?.protocol;
    if (protocol !== 'TLS' && protocol !== 'TCP') return [];
    return [
      {
        name: gatewayPortName(gateway, port),
        port,
        protocol,
        chains: protocol === 'TLS' ? tlsChains(gateway, group) : tcpChains(gateway, group),
      },
    ];
  });
}

export function clustersOfL4Listeners(listeners: readonly IrL4Listener[]): Set<string> {
  return new Set(
    listeners.flatMap((l) => l.chains.flatMap((c) => c.backends.map((b) => b.cluster))),
  );
}
