// The receiving side's HTTP policies as IR: what the HTTP filters of one
// connection manager (edge host set, sidecar inbound, proxyless server) enforce.
// Filled by buildHttpFilterIr from the policies attached to the receiver and the
// routes it serves; the translator emits only the filters that are used, in
// HTTP_FILTER_ORDER. Free of Envoy field names.
/** The policy layer's patterns ("*", exact, "abc*" prefix, "*abc" suffix) made explicit. */
export type IrPatternMatch =
  { kind: 'Any' } | { kind: 'Exact' | 'Prefix' | 'Suffix'; value: string };

export interface IrHttpFilters {
  /** The receiver these filters enforce for: "gateway/<ns>/<name>[/listener/<section>]", "service/<ns>/<name>[/port/<portName>]", or "none". */
  receiver: string;
  /** Some route of this connection manager injects faults (per-route config). */
  fault?: boolean;
  /** Some route of this connection manager has a CORS policy (per-route config). */
  cors?: boolean;
  jwt?: IrJwtAuthn;
  authorization?: IrAuthorization;
  rateLimit?: IrRateLimit;
}

/** An identity test on the caller's peer certificate (URI SAN). */
export type IrPrincipalMatch = { kind: 'Exact'; value: string } | { kind: 'Prefix'; value: string };

/**
 * One `from` entry: every present field must match; within a field any entry.
 * `never` marks a field that can never match here (mesh identity at an edge,
 * a Service that does not exist): the source matches nothing.
 */
export interface IrAuthzSource {
  principals?: IrPrincipalMatch[][];
  ipBlocks?: string[];
  /** JWT claims: each claim must hold one of its values. */
  claims?: { name: string; values: string[] }[];
  never?: boolean;
}

/** One `to` entry: every present field must match. Path and host patterns are the policy layer's. */
export interface IrAuthzOperation {
  ports?: number[];
  methods?: string[];
  paths?: IrPatternMatch[];
  /** Hostname patterns: exact or "*.suffix"; matched with and without a port. */
  hosts?: string[];
}

export interface IrAuthzCondition {
  header: string;
  values?: IrPatternMatch[];
  notValues?: IrPatternMatch[];
}

export interface IrAuthzRule {
  /** Derived: "authorizationpolicy/<ns>/<name>/rule/<i>". */
  name: string;
  /** Absent: any caller. */
  from?: IrAuthzSource[];
  to?: IrAuthzOperation[];
  when?: IrAuthzCondition[];
}

/**
 * DENY rules first; then, when `allow` is set, the request must match one of its
 * rules (an empty list denies everything: an ALLOW set with no usable rule, or a
 * DENY default).
 */
export interface IrAuthorization {
  deny: IrAuthzRule[];
  allow?: IrAuthzRule[];
  /** Where the client IP comes from: the peer address, or the address Envoy derives from X-Forwarded-For at an edge. */
  clientIp: 'Peer' | 'Forwarded';
}

export interface IrJwtProvider {
  /** Derived: "authenticationpolicy/<ns>/<name>/provider/<provider>". */
  name: string;
  issuer: string;
  audiences: string[];
  jwks:
    | { kind: 'Inline'; json: string }
    | {
        kind: 'Remote';
        uri: string;
        /** The cluster that reaches the JWKS host (see jwksClusterName). */
        cluster: string;
        /** Milliseconds. */
        cacheDuration?: number;
      };
  forwardToken: boolean;
  claimToHeaders: { claim: string; header: string }[];
}

export interface IrJwtRule {
  /** Path patterns as AuthorizationPolicy paths: exact "/a", prefix "/a/*", suffix "*.js" or "*". */
  paths: IrPatternMatch[];
  /** Provider names (IrJwtProvider.name); any one of them suffices. */
  providers: string[];
  /** false: a request without a token passes; a token that is present must be valid. */
  required: boolean;
}

export interface IrJwtAuthn {
  providers: IrJwtProvider[];
  /** First match wins, most specific policy first. A path no rule covers needs no token. */
  rules: IrJwtRule[];
}

/** One token bucket for the receiver (local: per proxy instance). */
export interface IrRateLimit {
  /** Tokens added per fill interval. */
  requests: number;
  /** Milliseconds. */
  fillInterval: number;
  /** Bucket size. */
  burst: number;
  /** The RateLimitPolicy limit that set the bucket: "ratelimitpolicy/<ns>/<name>/limit/<i>". */
  source: string;
}
