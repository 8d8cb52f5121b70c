// The parts of the IR every role shares: virtual hosts, routes, their matches and
// actions, and backends (clusters with endpoints). Plain serializable data, free
// of Envoy field names.
import type { IrHttpFilters } from './http-filter-ir';

export type { IrHttpFilters };

export type DataPlaneRole = 'edge' | 'sidecar' | 'proxyless';

export interface IrVirtualHost {
  /** The hostname ("*" for any). */
  name: string;
  /** The hostname, and hostname:port unless it is "*". */
  domains: string[];
  routes: IrRoute[];
}

export type IrStringMatch =
  | { kind: 'Exact'; value: string }
  | { kind: 'Prefix'; value: string }
  | { kind: 'RegularExpression'; value: string };

export interface IrValueMatch {
  name: string;
  match: IrStringMatch;
}

export interface IrRouteMatch {
  path: { kind: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
  method?: string;
  headers: IrValueMatch[];
  queryParams: IrValueMatch[];
}

export interface IrWeightedBackend {
  cluster: string;
  weight: number;
}

export interface IrRedirect {
  scheme?: 'http' | 'https';
  hostname?: string;
  port?: number;
  path?: { kind: 'ReplaceFullPath' | 'ReplacePrefixMatch'; value: string };
  statusCode: 301 | 302 | 303 | 307 | 308;
}

export type IrRouteAction =
  | { kind: 'Forward'; backends: IrWeightedBackend[]; invalidWeight: number }
  | { kind: 'Redirect'; redirect: IrRedirect }
  | { kind: 'DirectResponse'; status: number; reason: string };

export interface IrHeaderChanges {
  set: { name: string; value: string }[];
  add: { name: string; value: string }[];
  remove: string[];
}

export interface IrRewrite {
  hostname?: string;
  path?: { kind: 'ReplaceFullPath' | 'ReplacePrefixMatch'; value: string };
}

export interface IrRetry {
  attempts: number;
  on: string[];
  statusCodes: number[];
  /** Milliseconds. */
  perTryTimeout?: number;
  backoff?: { baseInterval: number; maxInterval?: number };
}

export interface IrRoute {
  /** The route table entry's derived name: "httproute/<ns>/<name>/rule/<i>/match/<j>". */
  name: string;
  match: IrRouteMatch;
  action: IrRouteAction;
  requestHeaders?: IrHeaderChanges;
  responseHeaders?: IrHeaderChanges;
  rewrite?: IrRewrite;
  mirrors: { cluster: string; percent: number }[];
  /** Milliseconds; 0 disables the timeout. */
  timeouts?: { request?: number; backendRequest?: number };
  retry?: IrRetry;
  /** The rule's CORS filter (answered by the cors HTTP filter, per route). */
  cors?: IrCors;
  /** The effective TrafficPolicy faultInjection (fault HTTP filter, per route). */
  fault?: IrFault;
  /** What a ring-hash backend of this route hashes on (Envoy hash_policy); absent when none uses RingHash. */
  hashOn?: IrHashOn[];
}

/** A ring-hash key: a request header, a cookie (generated with `ttl` when missing), or the client address. */
export type IrHashOn =
  | { kind: 'Header'; name: string }
  | { kind: 'Cookie'; name: string; ttl?: number; path?: string }
  | { kind: 'SourceIP' };

/** A route's CORS policy (the HTTPRoute CORS filter). */
export interface IrCors {
  /** "*", exact origins, or "scheme://*.domain[:port]" wildcards. */
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  /** Seconds. */
  maxAge: number;
  allowCredentials: boolean;
}

/** Fault injection for a route's requests; percentages 0-100. */
export interface IrFault {
  /** Milliseconds. */
  delay?: { fixedDelay: number; percent: number };
  abort?: { httpStatus?: number; grpcStatus?: number; percent: number };
}

export interface IrEndpoint {
  /** The Workload that provides it. */
  workload: string;
  address: string;
  port: number;
  locality: { region?: string | undefined; zone?: string | undefined };
  weight: number;
  health: 'Healthy' | 'Unhealthy' | 'Draining';
}

export interface IrBackend {
  /** Derived: "outbound|<port>||<service>.<ns>". */
  cluster: string;
  service: { namespace: string; name: string };
  port: number;
  protocol: 'http' | 'http2' | 'grpc' | 'tcp' | 'tls';
  /** Sorted by workload name. */
  endpoints: IrEndpoint[];
  /** Cluster-level TrafficPolicy fields in force at this edge. */
  policy: IrBackendPolicy;
  /**
   * Edge only: the cluster's upstream TLS (mesh mTLS with the Gateway's identity, or an
   * external Service's TLS). Sidecars carry theirs on SidecarUpstream.tls, proxyless
   * clients on ProxylessBackend.tls.
   */
  upstreamTls?: UpstreamTls;
}

/** How a proxy's cluster talks TLS to its upstream Service (upstream-tls.ts decides). */
export type UpstreamTls =
  /** Mesh mTLS: the proxy's own certificate, the trust bundle, the upstream's SPIFFE ID. */
  | { kind: 'mesh'; sni: string; subjectAltName: string }
  /** An external Service's own TLS: SNI and, when set, a CA Secret by SDS name. */
  | { kind: 'external'; sni?: string; caSecret?: string };

export interface IrBackendPolicy {
  /** Milliseconds. */
  connectTimeout?: number;
  loadBalancer?: 'RoundRobin' | 'LeastRequest' | 'RingHash' | 'Random';
  connectionLimits?: {
    maxConnections?: number;
    maxPendingRequests?: number;
    maxRequests?: number;
    maxRetries?: number;
    maxRequestsPerConnection?: number;
  };
  /** Milliseconds an idle upstream connection is kept (HTTP pools; TCP proxying at the edge). */
  idleTimeout?: number;
  /** Ring hash: what to hash on (carried to the routes that use this backend). */
  hashOn?: IrHashOn;
  /** Active health checks: exactly one of http, grpc or tcp. Durations in milliseconds. */
  healthCheck?: {
    interval: number;
    timeout: number;
    unhealthyThreshold: number;
    healthyThreshold: number;
    http?: { path: string; host?: string; expectedStatuses: number[] };
    grpc?: { serviceName?: string };
    tcp?: Record<string, never>;
  };
  /** Prefer endpoints near the proxy; `failover` lists, per region, the regions to try next in order. */
  localityFailover?: { failover: { from: string; to: string[] }[] };
  outlierDetection?: {
    consecutive5xxErrors: number;
    consecutiveGatewayErrors?: number;
    /** Milliseconds. */
    interval: number;
    /** Milliseconds. */
    baseEjectionTime: number;
    maxEjectionPercent: number;
  };
}
