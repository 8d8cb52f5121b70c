// The sidecar IR: what the Envoy beside one Service's Workload must do, in plain
// serializable data free of Envoy field names. Inbound listeners to the local app,
// outbound listeners and route tables for the Services it may reach, and the
// upstream clusters (shared by every sidecar of one resolved policy).
import type { IrBackend, IrHttpFilters, IrVirtualHost, UpstreamTls } from './common-ir';
import type { IrAuthorization } from './http-filter-ir';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLED';

export interface SidecarIr {
  service: { namespace: string; name: string };
  workload?: string;
  /** This workload's SPIFFE ID. */
  identity: string;
  trustDomain: string;
  mtlsMode: MtlsMode;
  /** SDS names of the workload certificate and of the mesh trust bundle. */
  sds: { certificate: string; trustBundle: string };
  /** One per Service port of the workload, sorted by port. */
  inbound: SidecarInbound[];
  /** Sorted by port. */
  outbound: SidecarOutbound[];
  /** Outbound entries that cannot be served, with why (for previews and explain). */
  skippedOutbound: { port: number; reason: string }[];
  /** The route tables the HTTP outbound listeners use, sorted by name. */
  routeTables: SidecarRouteTable[];
  /** Upstream clusters, sorted by cluster name. Shared objects: treat as read-only. */
  upstreams: SidecarUpstream[];
  outboundPolicy: 'RegistryOnly' | 'AllowAny';
  /** The proxy's own locality (node.locality), for locality failover priorities. */
  locality?: { region?: string; zone?: string };
}

export interface SidecarInbound {
  /** Derived: "sidecar/<ns>/<name>/inbound/<port>". */
  name: string;
  /** The Service port name (the policy section). */
  portName: string;
  /** What peers dial; bound on 0.0.0.0. */
  port: number;
  /** The Service port number. */
  servicePort: number;
  /** Where the app listens on 127.0.0.1. */
  targetPort: number;
  protocol: IrBackend['protocol'];
  /** Derived: "inbound|<port>||<name>.<ns>". */
  appCluster: string;
  /** HTTP ports: the receiving-side HTTP filters. */
  httpFilters?: IrHttpFilters;
  /** TCP and TLS ports: the authorization enforced at L4 (absent: everything allowed). */
  authorization?: IrAuthorization;
}

export interface SidecarOutbound {
  /** Derived: "sidecar/<ns>/<name>/outbound/<port>". */
  name: string;
  /** Bound on 127.0.0.1. */
  port: number;
  kind: 'http' | 'tcp';
  /** http: the route table it uses. */
  routeTable?: string;
  /** tcp: the upstream cluster. */
  cluster?: string;
  /** http: the connection manager's filters (route-driven only). */
  httpFilters?: IrHttpFilters;
}

export interface SidecarRouteTable {
  name: string;
  virtualHosts: IrVirtualHost[];
  /** What a host no virtual host claims gets: Host-routed tables only. */
  catchAll?: 'RegistryOnly' | 'AllowAny';
}

/** Shared with edges (common-ir.ts UpstreamTls). */
export type SidecarUpstreamTls = UpstreamTls;

export interface SidecarUpstream {
  backend: IrBackend;
  tls?: SidecarUpstreamTls;
  /** External Services: endpoints resolved by Envoy (DNS) or given (STATIC). */
  external?: { resolution: 'DNS' | 'STATIC'; endpoints: { address: string; port: number }[] };
}
