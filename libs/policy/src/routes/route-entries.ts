// Route table entries: one per (rule, match) of an attached route, and the
// default entry a Service port without routes gets.
import type { ServicePort } from '@crossway/model';
import type { NamespacedName } from '../common/ids';
import type { RankedEntry } from './match-precedence';
import type { ResolvedRoute, RouteTableEntry } from './route-types';

export function entryName(
  kind: string,
  namespace: string,
  name: string,
  rule: number,
  match: number,
): string {
  return `${kind.toLowerCase()}/${namespace}/${name}/rule/${rule}/match/${match}`;
}

/** Entries of an HTTPRoute or GRPCRoute attached through parentRef `parentRef`. */
export function entriesFor(
  route: ResolvedRoute,
  parentRef: number,
  hostname: string | undefined,
): RankedEntry[] {
  if (route.kind !== 'HTTPRoute' && route.kind !== 'GRPCRoute') return [];
  const kind = route.kind;
  return route.rules.flatMap((rule) =>
    rule.matches.map((match, matchIndex) => {
      const entry: RouteTableEntry = {
        name: entryName(kind, route.namespace, route.name, rule.index, matchIndex),
        route: { kind, namespace: route.namespace, name: route.name },
        parentRef,
        grpcOnly: kind === 'GRPCRoute',
        matchIndex,
        match,
        rule,
      };
      if (hostname !== undefined) entry.hostname = hostname;
      const ranked: RankedEntry = { entry };
      if (route.creationTimestamp !== undefined) ranked.creationTimestamp = route.creationTimestamp;
      return ranked;
    }),
  );
}

/** A Service port with no producer route routes every request to itself. */
export function defaultEntry(service: NamespacedName, port: ServicePort): RouteTableEntry {
  return {
    name: `service/${service.namespace}/${service.name}/port/${port.name}/default`,
    route: { kind: 'Service', namespace: service.namespace, name: service.name },
    grpcOnly: false,
    matchIndex: 0,
    match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] },
    rule: {
      index: 0,
      matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }],
      filters: [],
      mirrors: [],
      action: {
        type: 'Forward',
        backends: [
          {
            service: { ...service },
            port: port.port,
            portName: port.name,
            protocol: port.protocol,
            weight: 1,
          },
        ],
        invalidWeight: 0,
      },
    },
  };
}
