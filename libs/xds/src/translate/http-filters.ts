// The HTTP filters of one connection manager (edge host set, sidecar inbound,
// proxyless server), ordered by one explicit table, never by registration
// order: fault, cors, jwt_authn, rbac, local_ratelimit, router. A filter is
// emitted only when the IR uses it; the router is always last. The rbac slot may
// hold two filters: DENY, then ALLOW.
import type { JsonObject } from '@crossway/protos';
import type { IrHttpFilters } from '../ir/http-filter-ir';
import { buildJwtFilter } from './filters/jwt-authn';
import { buildLocalRateLimitFilter } from './filters/local-ratelimit';
import { buildRbacFilters } from './filters/rbac';
import { buildCorsFilter, buildFaultFilter } from './filters/route-filters';
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
  /** The filter's entries in the HCM (usually one), or undefined when the IR does not need it. */
  build(filters: IrHttpFilters): JsonObject | readonly JsonObject[] | undefined;
}

const router: HttpFilterBuilder = {
  name: 'envoy.filters.http.router',
  build: () => ({
    name: 'envoy.filters.http.router',
    typed_config: anyOf('envoy.extensions.filters.http.router.v3.Router', {}),
  }),
};

/** Every HTTP filter builder; the order here does not matter, HTTP_FILTER_ORDER decides. */
export const HTTP_FILTERS: readonly HttpFilterBuilder[] = [
  router,
  { name: 'envoy.filters.http.fault', build: (f) => buildFaultFilter(f.fault) },
  { name: 'envoy.filters.http.cors', build: (f) => buildCorsFilter(f.cors) },
  { name: 'envoy.filters.http.jwt_authn', build: (f) => buildJwtFilter(f.jwt) },
  { name: 'envoy.filters.http.rbac', build: (f) => buildRbacFilters(f.authorization) },
  {
    name: 'envoy.filters.http.local_ratelimit',
    build: (f) => buildLocalRateLimitFilter(f.rateLimit),
  },
];

function isFilterList(built: JsonObject | readonly JsonObject[]): built is readonly JsonObject[] {
  return Array.isArray(built);
}

export function buildHttpFilters(
  filters: IrHttpFilters,
  builders: readonly HttpFilterBuilder[] = HTTP_FILTERS,
): JsonObject[] {
  return [...builders]
    .sort((a, b) => HTTP_FILTER_ORDER.indexOf(a.name) - HTTP_FILTER_ORDER.indexOf(b.name))
    .flatMap((b) => {
      const built = b.build(filters);
      if (built === undefined) return [];
      return isFilterList(built) ? [...built] : [built];
    });
}
