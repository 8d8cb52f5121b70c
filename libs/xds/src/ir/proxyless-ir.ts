// The proxyless gRPC IR: what one grpc-js-xds process (client channels and
// xDS-enabled servers of its Service) must be told, in the subset of Envoy that
// gRPC accepts. Plain serializable data, free of Envoy field names. Built by
// buildProxylessIr, read by the proxyless translators.
import type {
  IrBackend,
  IrFault,
  IrHttpFilters,
  IrRouteMatch,
  IrWeightedBackend,
} from './common-ir';

export interface ProxylessIr {
  /** The node's Service; absent for a pure client. */
  service?: { namespace: string; name: string };
  /** One per reachable Service port a gRPC channel may dial, sorted by name. */
  clients: ProxylessClient[];
  /** Every cluster some client route sends to, sorted by cluster name. */
  backends: ProxylessBackend[];
  /** The node's Service ports served by xDS-enabled servers, sorted by port. */
  servers: ProxylessServer[];
  security: ProxylessSecurity;
  /** What was left out of the config and why, route by route. */
  leftOut: ProxylessLeftOut[];
}

export interface ProxylessClient {
  /** "<name>.<ns>:<port>": the channel target xds:///<name>.<ns>:<port>; also the route table name. */
  name: string;
  service: { namespace: string; name: string };
  port: number;
  /** The Service's hosts, each with and without the port. */
  domains: string[];
  routes: ProxylessRoute[];
}

/**
 * - Forward: weighted clusters; `invalidWeight` goes to the never-defined invalid-backend cluster.
 * - Fail: gRPC has no direct response or redirect: matching calls go to the
 *   never-defined invalid-backend cluster and fail UNAVAILABLE (never fall through).
 */
export type ProxylessAction =
  | { kind: 'Forward'; backends: IrWeightedBackend[]; invalidWeight: number }
  | { kind: 'Fail'; reason: string };

export interface ProxylessRoute {
  /** The route table entry's derived name ("httproute/<ns>/<name>/rule/<i>/match/<j>"). */
  name: string;
  /** Without `method` (every gRPC call is a POST) and without query params (gRPC has none). */
  match: Omit<IrRouteMatch, 'method' | 'queryParams'>;
  action: ProxylessAction;
  /** Milliseconds: the call's deadline cap (0 or absent: the application's deadline). */
  timeout?: number;
  retry?: ProxylessRetry;
  /** Fault injection (the client's fault filter, per route). */
  fault?: IrFault;
  /** Request headers a RING_HASH backend hashes on (gRPC hashes on headers only). */
  hashHeaders?: string[];
}

export interface ProxylessRetry {
  attempts: number;
  /** gRPC status names only: cancelled, deadline-exceeded, internal, resource-exhausted, unavailable. */
  on: string[];
  backoff?: { baseInterval: number; maxInterval?: number };
}

export interface ProxylessBackend extends IrBackend {
  /** mTLS to the upstream through certificate providers, accepting only its SPIFFE ID. */
  tls?: { subjectAltNames: string[] };
}

export interface ProxylessServer {
  port: number;
  portName: string;
  /** Requested server listener names "grpc/server?xds.resource.listening_address=<ip>:<port>" of the Service's Workloads, sorted. */
  addresses: { name: string; address: string; port: number }[];
  /** The receiving-side policies, filtered to what gRPC servers accept (fault? no; rbac, router). */
  httpFilters: IrHttpFilters;
  /** Filters gRPC servers cannot run, left out (JWT: the paths needing a token are denied by RBAC instead). */
  unenforceable: ('jwt_authn' | 'local_ratelimit' | 'fault' | 'cors')[];
  /** Downstream TLS: absent serves plaintext. */
  tls?: { requireClientCertificate: boolean };
}

export interface ProxylessSecurity {
  meshMode: 'STRICT' | 'PERMISSIVE' | 'DISABLED';
  /** The bootstrap has the crossway-identity and crossway-roots certificate providers. */
  certificateProviders: boolean;
  /** What servers enforce: PERMISSIVE acts as STRICT with providers, DISABLED without. */
  serverMode: 'STRICT' | 'DISABLED';
  /** Clients dial upstreams with mTLS. */
  upstreamTls: boolean;
  /** One line for the Mesh status. */
  note: string;
}

export interface ProxylessLeftOut {
  /** The route table entry, or the listener/cluster name. */
  where: string;
  what: string;
}
