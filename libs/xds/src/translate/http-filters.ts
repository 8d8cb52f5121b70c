// The HTTP filter chain of the edge HCM, ordered by one explicit table (never by
// registration order): fault, cors, jwt_authn, rbac, local_ratelimit, router.
// Only the router is translated so far; the others take their slot when added.
import type { JsonObject } from '@crossway/protos';
import type { EdgeIr } from '../ir/edge-ir';
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
  build(ir: EdgeIr): JsonObject | undefined;
}

const router: HttpFilterBuilder = {
  name: 'envoy.filters.http.router',
  build: () => ({
    name: 'envoy.filters.http.router',
    typed_config: anyOf('envoy.extensions.filters.http.router.v3.Router', {}),
  }),
};

export const EDGE_HTTP_FILTERS: readonly HttpFilterBuilder[] = [router];

export function buildHttpFilters(ir: EdgeIr, builders: readonly HttpFilterBuilder[]): JsonObject[] {
  return [...builders]
    .sort((a, b) => HTTP_FILTER_ORDER.indexOf(a.name) - HTTP_FILTER_ORDER.indexOf(b.name))
    .flatMap((b) => {
      const filter = b.build(ir);
      return filter ? [filter] : [];
    });
}
