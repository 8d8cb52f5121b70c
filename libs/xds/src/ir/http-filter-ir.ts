// The receiving side's HTTP policies as IR: what the HTTP filters of one
// connection manager (edge host set, sidecar inbound, proxyless server) enforce.
// Filled by buildHttpFilterIr from the policies attached to the receiver; the
// translator emits only the filters that are used, in HTTP_FILTER_ORDER.
export interface IrHttpFilters {
  // Filled in by the HTTP-filters work (fault, cors, jwt_authn, rbac, local_ratelimit).
}
