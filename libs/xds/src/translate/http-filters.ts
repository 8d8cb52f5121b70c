// The HTTP filters of one connection manager (edge host set, sidecar inbound,
// proxyless server), ordered by one explicit table, never by registration
// order: fault, cors, jwt_authn, rbac, local_ratelimit, router. A filter is
// emitted only when the IR uses it; the router is always last.
import type { JsonObject } from '@crossway/protos';
import type { IrHttpFilters } from '../ir/http-filter-ir';
import { anyOf } from './resources';

export const HTTP_FILTER_ORDER = [
  'envoy.filters.http.fault',
  'envoy.filters.http.cors',
  'envoy.filters.http.jwt_authn',
  'envoy.filters.http.rbac',
  'envoy.filters.http.local_ratelimit',
  'envoy.filters.http.router',
] as const;
export type HttpFilterName = (typeof HTTP_FILTER_ORDER)[number];

export interface HttpFilterBuilder {
  name: HttpFilterName;
  /** The filter's entry in the HCM, or undefined when the IR does not need it. */
  build(filters: IrHttpFilters): JsonObject | undefined;
}

const router: HttpFilterBuilder = {
  name: 'envoy.filters.http.router',
  build: () => ({
    name: 'envoy.filters.http.router',
    typed_config: anyOf('envoy.extensions.filters.http.router.v3.Router', {}),
  }),
};

/** Every HTTP filter builder; the order here does not matter, HTTP_FILTER_ORDER decides. */
export const HTTP_FILTERS: readonly HttpFilterBuilder[] = [router];

export function buildHttpFilters(
  filters: IrHttpFilters,
  builders: readonly HttpFilterBuilder[] = HTTP_FILTERS,
): JsonObject[] {
  return [...builders]
    .sort((a, b) => HTTP_FILTER_ORDER.indexOf(a.name) - HTTP_FILTER_ORDER.indexOf(b.name))
    .flatMap((b) => {
      const filter = b.build(filters);
      return filter ? [filter] : [];
    });
}
