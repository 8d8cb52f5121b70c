// What Envoy does on a filter chain without an HTTP connection manager (TLS
// passthrough, TLS terminated to raw TCP, TCP): tcp_proxy sends the connection to
// its cluster or weighted clusters; a chain without filters closes it.
import type { JsonObject } from '@crossway/protos';
import { numberAt, objectAt, objectsAt, stringAt } from './json-read';
import type { SimulatedAction } from './route-action';

export const TCP_PROXY_FILTER = 'envoy.filters.network.tcp_proxy';

export function simulateL4(chain: JsonObject, clusters: readonly JsonObject[]): SimulatedAction {
  const filters = objectsAt(chain, 'filters');
  if (filters.length === 0) return { type: 'connection-closed' };
  const proxy = objectAt(
    filters.find((f) => stringAt(f, 'name') === TCP_PROXY_FILTER),
    'typed_config',
  );
  if (!proxy) return { type: 'no-filter-chain' };
  const defined = new Set(clusters.flatMap((c) => stringAt(c, 'name') ?? []));
  const single = stringAt(proxy, 'cluster');
  const entries =
    single !== undefined
      ? [{ name: single, weight: 1 }]
      : objectsAt(objectAt(proxy, 'weighted_clusters'), 'clusters').map((c) => ({
          name: stringAt(c, 'name') ?? '',
          weight: numberAt(c, 'weight') ?? 0,
        }));
  return {
    type: 'tcp-proxy',
    clusters: entries.map((c) => ({ ...c, defined: defined.has(c.name) })),
  };
}
