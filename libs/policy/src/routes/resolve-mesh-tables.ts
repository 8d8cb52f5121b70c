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

interface PortAttachment {
  route: RouteDraft['route'];
  parentRef: number;
  role: 'Producer' | 'Consumer';
}

/** Routes attached to each Service port ("ns/name/portName"), each through its first parentRef that attached it, in route order. */
export type ServicePortAttachments = Map<string, PortAttachment[]>;

function portKey(namespace: string, name: string, port: string): string {
  return `${namespace}/${name}/${port}`;
}

/** One pass over every route, so building every Service's tables stays linear in routes. */
export function indexServicePortAttachments(routes: readonly RouteDraft[]): ServicePortAttachments {
  const index: ServicePortAttachments = new Map();
  for (const { route } of routes) {
    const seen = new Set<string>();
    for (const [parentRef, parent] of route.parents.entries())
      for (const a of parent.servicePorts) {
        const key = portKey(a.service.namespace, a.service.name, a.port);
        if (seen.has(key)) continue;
        seen.add(key);
        const list = index.get(key) ?? [];
        list.push({ route, parentRef, role: a.role });
        index.set(key, list);
      }
  }
  return index;
}

export function resolveMeshTables(
  service: ServiceDraft,
  attachments: ServicePortAttachments,
): Map<string, ServicePortRoutes> {
  const { namespace, name } = service.stored;
  const result = new Map<string, ServicePortRoutes>();
  for (const { port } of service.ports) {
    const producer: RankedEntry[] = [];
    const consumers = new Map<string, RankedEntry[]>();
    for (const { route, parentRef, role } of attachments.get(portKey(namespace, name, port.name)) ??
      []) {
      const entries = entriesFor(route, parentRef, undefined);
      if (role === 'Producer') producer.push(...entries);
      else {
        const list = consumers.get(route.namespace) ?? [];
        list.push(...entries);
        consumers.set(route.namespace, list);
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
