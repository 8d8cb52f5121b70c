// The shapes of POST /api/v1/explain (contract "Shapes that tools depend on"):
// a request in, the rule that matched and those it beat, the policies in force,
// the authorization verdict, the backends and the Envoy resource names out.

/** An edge request: through Gateway "ns/name". */
export interface EdgeExplainRequest {
  gateway: string;
  /** The Gateway listener port; default: the first HTTPS port when `tls`, else the first HTTP port. */
  port?: number | undefined;
  host: string;
  path: string;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  tls?: boolean | undefined;
}

/** A mesh request: from a caller Service "ns/name" to a Service host. */
export interface MeshExplainRequest {
  source: string;
  /** The caller's data plane; default sidecar. */
  role?: 'sidecar' | 'proxyless' | undefined;
  host: string;
  port?: number | undefined;
  path: string;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
}

export type ExplainRequest = EdgeExplainRequest | MeshExplainRequest;

export interface ExplainedRouteRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface ExplainedMatch {
  route: ExplainedRouteRef;
  /** Index of the rule in the route's spec. */
  rule: number;
  /** Index of the match in the rule (a rule without matches has one match-all). */
  match: number;
  /** The config name of the route table entry. */
  entry: string;
}

export interface ExplainedPolicy {
  kind: string;
  namespace: string;
  name: string;
  /** The fields it decides here (TrafficPolicy), or its action (AuthorizationPolicy ...). */
  fields: string[];
  targetRef: { kind: string; name?: string; namespace?: string; sectionName?: string };
}

export interface ExplainResult {
  matched: ExplainedMatch | null;
  /** Entries that also match the request but lose to `matched`, in precedence order. */
  beaten: ExplainedMatch[];
  response?: { status: number; redirect?: string };
  policies: ExplainedPolicy[];
  authorization: {
    verdict: 'ALLOW' | 'DENY';
    reason: string;
    by?: { kind: string; namespace: string; name: string; rule: number };
  };
  backends: { service: string; port: number; weight: number }[];
  envoy: {
    listener?: string;
    filterChain?: string | number;
    routeConfiguration?: string;
    virtualHost?: string;
    route?: string;
    cluster?: string;
    clusters?: string[];
  };
}

export type ExplainOutcome =
  | { ok: true; result: ExplainResult }
  | { ok: false; notFound: string }
  | { ok: false; invalid: { path: string; message: string }[] };
