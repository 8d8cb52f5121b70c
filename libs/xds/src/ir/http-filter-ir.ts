// The receiving side's HTTP policies as IR: what the HTTP filters of one
// connection manager (edge host set, sidecar inbound, proxyless server) enforce.
// Filled by buildHttpFilterIr from the policies attached to the receiver; the
// translator emits only the filters that are used, in HTTP_FILTER_ORDER.
export interface IrHttpFilters {
  /** The receiver these filters enforce for: "gateway/<ns>/<name>[/listener/<section>]" or "service/<ns>/<name>[/port/<portName>]". */
  receiver: string;
}
