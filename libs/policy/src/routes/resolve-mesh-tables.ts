// Per Service port (GAMMA): producer routes (in the Service's namespace) serve
// every caller; consumer routes serve only callers in their own namespace, and
// for those callers they replace the producer routes entirely (GEP-1294:
// "requests from a namespace with consumer routes will utilize the set of routes
// in the consumer namespace"). A port with no producer route routes to itself.
import { compareStrings } from '../common/compare';
import type { ServiceDraft } from '../core/resolve-services';
import type { ServicePortRoutes } from '../resolved-types';
import type { RankedEntry } from './match-precedence';
import { orderEntries } from './match-precedence';
import type { RouteDraft } from './resolve-routes';
import { defaultEntry, entriesFor } from './route-entries';

export function resolveMeshTables(
  service: ServiceDraft,
  routes: readonly RouteDraft[],
): Map<string, ServicePortRoutes> {
  const { namespace, name } = service.stored;
  const result = new Map<string, ServicePortRoutes>();
  for (const { port } of service.ports) {
    const producer: RankedEntry[] = [];
    const consumers = new Map<string, RankedEntry[]>();
    for (const { route } of routes) {
      for (const [parentRef, parent] of route.parents.entries()) {
        const hit = parent.servicePorts.find(
          (a) =>
            a.port === port.name && a.service.namespace === namespace && a.service.name === name,
        );
        if (!hit) continue;
        const entries = entriesFor(route, parentRef, undefined);
        if (hit.role === 'Producer') producer.push(...entries);
        else {
          const list = consumers.get(route.namespace) ?? [];
          list.push(...entries);
          consumers.set(route.namespace, list);
        }
        break;
      }
    }
    result.set(port.name, {
      producer:
        producer.length > 0 ? orderEntries(producer) : [defaultEntry({ namespace, name }, port)],
      consumers: [...consumers.entries()]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([ns, entries]) => ({ namespace: ns, entries: orderEntries(entries) })),
    });
  }
  return result;
}
