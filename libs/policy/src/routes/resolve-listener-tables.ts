// Per Gateway listener: the merged HTTP route table per virtual host (HTTPRoutes
// and GRPCRoutes), or the L4 routes of a TLS or TCP listener.
//
// A virtual host exists for every hostname a route brought to the listener. The
// table of host H holds every route with a hostname covering H (exact, or a
// wildcard, or "*"), so a request reaching the most specific virtual host still
// sees every route that matches its host; the matched hostname's specificity
// orders entries first, as Gateway API ranks hostnames before paths.
import {
  ageKey,
  chain,
  compareNumbers,
  compareStrings,
  sorted,
  type Comparator,
} from '../common/compare';
import type { ListenerDraft } from '../core/resolve-gateways';
import { compareHostnameSpecificity, hostnameCovers } from './hostnames';
import { orderEntries, type RankedEntry } from './match-precedence';
import type { RouteDraft } from './resolve-routes';
import { entriesFor } from './route-entries';
import type { L4RouteEntry, ResolvedRoute, VirtualHost } from './route-types';

export interface ListenerTables {
  attachedRoutes: number;
  virtualHosts: VirtualHost[];
  l4Routes: L4RouteEntry[];
}

interface Attached {
  route: ResolvedRoute;
  parentRef: number;
  hostnames: string[];
}

/** Routes accepted on a listener, each once (through its first parentRef that attached it). */
function attachedTo(listener: ListenerDraft, routes: readonly RouteDraft[]): Attached[] {
  const result: Attached[] = [];
  for (const { route } of routes) {
    for (const [parentRef, parent] of route.parents.entries()) {
      const hit = parent.listeners.find(
        (a) =>
          a.listener === listener.name &&
          a.gateway.namespace === listener.gateway.namespace &&
          a.gateway.name === listener.gateway.name,
      );
      if (hit) {
        result.push({ route, parentRef, hostnames: hit.hostnames });
        break;
      }
    }
  }
  return result;
}

/**
 * The routes that may cover `host`: those naming it exactly, plus every route with a
 * wildcard hostname (few in practice), in attachment order. Keeps a listener with
 * thousands of exact hostnames linear instead of hosts x routes.
 */
function candidatesIndex(l7: readonly Attached[]): (host: string) => Attached[] {
  const exact = new Map<string, number[]>();
  const wildcard: number[] = [];
  l7.forEach((a, i) => {
    if (a.hostnames.some((h) => h.includes('*'))) wildcard.push(i);
    else
      for (const h of new Set(a.hostnames)) {
        const list = exact.get(h) ?? [];
        list.push(i);
        exact.set(h, list);
      }
  });
  return (host) => {
    const picked = [...(exact.get(host) ?? []), ...wildcard].sort(compareNumbers);
    return picked.flatMap((i) => l7[i] ?? []);
  };
}

function virtualHosts(attached: readonly Attached[]): VirtualHost[] {
  const l7 = attached.filter((a) => a.route.kind === 'HTTPRoute' || a.route.kind === 'GRPCRoute');
  const hosts = sorted(new Set(l7.flatMap((a) => a.hostnames)), compareHostnameSpecificity);
  const candidates = candidatesIndex(l7);
  return hosts.map((host) => {
    const ranked: RankedEntry[] = [];
    for (const a of candidates(host)) {
      const best = sorted(
        a.hostnames.filter((h) => hostnameCovers(h, host)),
        compareHostnameSpecificity,
      )[0];
      if (best !== undefined) ranked.push(...entriesFor(a.route, a.parentRef, best));
    }
    return { hostname: host, entries: orderEntries(ranked) };
  });
}

interface RankedL4 {
  entry: L4RouteEntry;
  creationTimestamp?: string;
}

const compareL4: Comparator<RankedL4> = chain<RankedL4>(
  (a, b) => {
    const ha = a.entry.hostnames[0];
    const hb = b.entry.hostnames[0];
    return ha === undefined || hb === undefined ? 0 : compareHostnameSpecificity(ha, hb);
  },
  (a, b) => compareNumbers(ageKey(a.creationTimestamp), ageKey(b.creationTimestamp)),
  (a, b) => compareStrings(a.entry.route.namespace, b.entry.route.namespace),
  (a, b) => compareStrings(a.entry.route.name, b.entry.route.name),
  (a, b) => compareStrings(a.entry.route.kind, b.entry.route.kind),
  (a, b) => compareNumbers(a.entry.ruleIndex, b.entry.ruleIndex),
);

function l4Routes(attached: readonly Attached[]): L4RouteEntry[] {
  const ranked: RankedL4[] = [];
  for (const a of attached) {
    const kind = a.route.kind;
    if (kind !== 'TCPRoute' && kind !== 'TLSRoute') continue;
    for (const rule of a.route.rules) {
      const r: RankedL4 = {
        entry: {
          name: `${kind.toLowerCase()}/${a.route.namespace}/${a.route.name}/rule/${rule.index}`,
          route: { kind, namespace: a.route.namespace, name: a.route.name },
          parentRef: a.parentRef,
          ruleIndex: rule.index,
          hostnames: a.hostnames,
          action: rule.action,
        },
      };
      if (a.route.creationTimestamp !== undefined) r.creationTimestamp = a.route.creationTimestamp;
      ranked.push(r);
    }
  }
  return sorted(ranked, compareL4).map((r) => r.entry);
}

export function resolveListenerTables(
  listener: ListenerDraft,
  routes: readonly RouteDraft[],
): ListenerTables {
  const attached = attachedTo(listener, routes);
  return {
    attachedRoutes: attached.length,
    virtualHosts: virtualHosts(attached),
    l4Routes: l4Routes(attached),
  };
}
