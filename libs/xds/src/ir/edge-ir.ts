// The edge IR: what one Gateway's proxy must do, in plain serializable data and
// free of Envoy field names. Built by buildEdgeIr, read by the translators. The
// shared route and backend types live in common-ir.ts.
import type { IrBackend, IrHttpFilters, IrVirtualHost } from './common-ir';

export type * from './common-ir';

export interface EdgeIr {
  gateway: { namespace: string; name: string };
  xffNumTrustedHops: number;
  /** One per port, sorted by port. */
  listeners: IrListener[];
  /** Every Service port a route sends or mirrors to, sorted by cluster name. */
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
  virtualHosts: IrVirtualHost[];
  /** The HTTP filters of this host set's connection manager (router always last). */
  httpFilters: IrHttpFilters;
}
