// Listener by port, then Envoy's filter chain match on SNI (server_names: exact,
// then the longest "*.x" wildcard, then chains that name no server).
import type { JsonObject } from '@crossway/protos';
import { numberAt, objectAt, objectsAt, stringAt, stringsAt } from './json-read';

export function findListener(
  listeners: readonly JsonObject[],
  port: number,
): JsonObject | undefined {
  return listeners.find(
    (l) => numberAt(objectAt(objectAt(l, 'address'), 'socket_address'), 'port_value') === port,
  );
}

function serverNameRank(names: readonly string[], sni: string | undefined): number | undefined {
  if (names.length === 0) return 0;
  if (sni === undefined) return undefined;
  const wanted = sni.toLowerCase();
  let best: number | undefined;
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === wanted) return Number.MAX_SAFE_INTEGER;
    if (name.startsWith('*.') && wanted.endsWith(name.slice(1)) && wanted.length > name.length - 1)
      best = Math.max(best ?? 0, name.length);
  }
  return best;
}

/** The most specific chain for the SNI, else default_filter_chain. */
export function selectFilterChain(
  listener: JsonObject,
  sni: string | undefined,
): JsonObject | undefined {
  let chosen: { chain: JsonObject; rank: number } | undefined;
  for (const chain of objectsAt(listener, 'filter_chains')) {
    const rank = serverNameRank(
      stringsAt(objectAt(chain, 'filter_chain_match'), 'server_names'),
      sni,
    );
    if (rank !== undefined && (!chosen || rank > chosen.rank)) chosen = { chain, rank };
  }
  return chosen?.chain ?? objectAt(listener, 'default_filter_chain');
}

export const HCM_FILTER = 'envoy.filters.network.http_connection_manager';

/** The HTTP connection manager's config, if the chain has one. */
export function connectionManager(chain: JsonObject): JsonObject | undefined {
  const filter = objectsAt(chain, 'filters').find((f) => stringAt(f, 'name') === HCM_FILTER);
  return objectAt(filter, 'typed_config');
}

/** RDS by name, or a route configuration inlined in the connection manager. */
export function findRouteConfig(
  hcm: JsonObject,
  routes: readonly JsonObject[],
): { name: string | undefined; config: JsonObject | undefined } {
  const inline = objectAt(hcm, 'route_config');
  if (inline) return { name: stringAt(inline, 'name'), config: inline };
  const name = stringAt(objectAt(hcm, 'rds'), 'route_config_name');
  return { name, config: routes.find((r) => name !== undefined && stringAt(r, 'name') === name) };
}
