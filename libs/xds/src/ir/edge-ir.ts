// The edge IR: what one Gateway's proxy must do, in plain serializable data and
// free of Envoy field names. Built by buildEdgeIr, read by the translators. The
// shared route and backend types live in common-ir.ts.
import type { IrBackend, IrHttpFilters, IrVirtualHost, IrWeightedBackend } from './common-ir';

export type * from './common-ir';

export interface EdgeIr {
  gateway: { namespace: string; name: string };
  /**
   * The edge's SPIFFE ID ("spiffe://<td>/ns/<ns>/gateway/<name>"): the certificate the
   * control plane serves it as SDS "crossway-identity", presented to mesh upstreams.
   */
  identity: string;
  xffNumTrustedHops: number;
  /** One per port, sorted by port. */
  listeners: IrListener[];
  /** TLS and TCP listeners (L4: no HTTP), one per port, sorted by port; never on a port of `listeners`. */
  l4Listeners: IrL4Listener[];
  /** The edge proxies' own locality, when the snapshot is built for one (locality failover). */
  locality?: { region?: string; zone?: string };
  /**
   * Every Service port a route sends or mirrors to, sorted by cluster name. Mesh
   * Services get mTLS (`upstreamTls`) unless the Mesh disables it or a TLS passthrough
   * chain uses the cluster (the client's own TLS goes through untouched).
   */
  backends: IrBackend[];
}

export interface IrListener {
  /** Derived: "gateway/<ns>/<name>/port/<port>". */
  name: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  /** HTTP: one host set for the port. HTTPS: one per Gateway listener, told apart by SNI. */
  hostSets: IrHostSet[];
}

export interface IrHostSet {
  /** Derived route table name: "gateway/<ns>/<name>/port/<port>" or ".../listener/<section>". */
  routeTable: string;
  /** The Gateway listener sections served here, in spec order. */
  sections: string[];
  /** HTTPS: SNI names this set answers (empty: any). */
  serverNames: string[];
  /** HTTPS: certificate Secrets by "secret/<ns>/<name>", served over SDS. */
  tlsSecrets: string[];
  /** HTTPS: client certificates are required and checked against these CA Secrets (SDS names). */
  clientCASecrets: string[];
  virtualHosts: IrVirtualHost[];
  /** The HTTP filters of this host set's connection manager (router always last). */
  httpFilters: IrHttpFilters;
}

/**
 * A TLS or TCP Gateway port: TLS chains are told apart by SNI and either pass the
 * TLS stream through (mode Passthrough) or terminate it; TCP has one chain.
 */
export interface IrL4Listener {
  /** Derived: "gateway/<ns>/<name>/port/<port>". */
  name: string;
  port: number;
  protocol: 'TLS' | 'TCP';
  /** Most specific SNI first (the policy layer's order); at most one chain without SNI names. */
  chains: IrL4Chain[];
}

export interface IrL4Chain {
  /** The route rule that owns the chain: "tlsroute/<ns>/<name>/rule/<i>" or "tcproute/...". */
  name: string;
  /** The Gateway listener section it came in on. */
  section: string;
  /** TLS: SNI names (empty: any). Each name belongs to one chain only: the first entry that claims it. */
  serverNames: string[];
  /** TLS mode Terminate: certificate Secrets by SDS name; empty for passthrough and TCP. */
  tlsSecrets: string[];
  /** TLS mode Terminate: client CA Secrets by SDS name. */
  clientCASecrets: string[];
  /** Backends with weights > 0 (empty: the connection is closed); `invalidWeight` as for HTTP. */
  backends: IrWeightedBackend[];
  invalidWeight: number;
}
