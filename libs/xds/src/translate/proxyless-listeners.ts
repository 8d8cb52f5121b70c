// Client Listeners for proxyless gRPC: a channel to xds:///<name>.<ns>:<port>
// asks for the Listener of that name, an api_listener whose connection manager
// takes its routes over RDS (same name) and runs the router filter.
import type { JsonObject } from '@crossway/protos';
import type { ProxylessClient } from '../ir/proxyless-ir';
import { buildHttpFilters } from './http-filters';
import type { ProxylessBuilder } from './proxyless-profile';
import { adsConfigSource, anyOf } from './resources';

export const HCM_TYPE =
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function translateClientListener(client: ProxylessClient): JsonObject {
  return {
    name: client.name,
    api_listener: {
      api_listener: anyOf(HCM_TYPE, {
        stat_prefix: client.name,
        rds: { config_source: adsConfigSource(), route_config_name: client.name },
        // A client enforces no receiving-side policy: fault (when a route injects faults) and the router.
        http_filters: buildHttpFilters({
          receiver: 'none',
          ...(client.routes.some((r) => r.fault) ? { fault: true } : {}),
        }),
      }),
    },
  };
}

export const translateProxylessListeners: ProxylessBuilder = {
  name: 'proxyless-listeners',
  build: (ir) => ({ listeners: ir.clients.map(translateClientListener) }),
};
