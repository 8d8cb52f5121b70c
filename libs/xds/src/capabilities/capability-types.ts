// The vocabulary of the role capability tables: every model feature a data plane
// may or may not enforce, and how well each role supports it. The tables are
// data (one file per role); unsupported-for-role.ts reads them.
import type { ObjectReference } from '@crossway/model';
import type { DataPlaneRole } from '../ir/common-ir';

/**
 * - supported: translated and enforced.
 * - ignored: the data plane would silently ignore it; Crossway leaves it out.
 * - rejected: the data plane NACKs it; Crossway never sends it.
 * - notTranslated: the data plane could, Crossway does not translate it for this role yet.
 */
export type Support = 'supported' | 'ignored' | 'rejected' | 'notTranslated';

/** Model features, named after the field that asks for them. */
export const FEATURES = [
  'HTTPRoute.matches.path.Exact',
  'HTTPRoute.matches.path.PathPrefix',
  'HTTPRoute.matches.path.RegularExpression',
  'HTTPRoute.matches.headers',
  'HTTPRoute.matches.queryParams',
  'HTTPRoute.matches.method',
  'GRPCRoute.matches.method',
  'route.filters.RequestHeaderModifier',
  'route.filters.ResponseHeaderModifier',
  'route.filters.RequestRedirect',
  'route.filters.URLRewrite',
  'route.filters.RequestMirror',
  'route.filters.CORS',
  'route.backendRefs.weight',
  'route.timeouts.request',
  'route.timeouts.backendRequest',
  'route.retry.attempts',
  'route.retry.perTryTimeout',
  'route.retry.backoff',
  'route.retry.statusCodes',
  'route.retry.on.http',
  'route.retry.on.grpc',
  'TCPRoute',
  'TLSRoute',
  'TrafficPolicy.timeouts.request',
  'TrafficPolicy.timeouts.backendRequest',
  'TrafficPolicy.timeouts.connect',
  'TrafficPolicy.timeouts.idle',
  'TrafficPolicy.retries',
  'TrafficPolicy.connectionLimits.maxRequests',
  'TrafficPolicy.connectionLimits.maxConnections',
  'TrafficPolicy.connectionLimits.maxPendingRequests',
  'TrafficPolicy.connectionLimits.maxRetries',
  'TrafficPolicy.connectionLimits.maxRequestsPerConnection',
  'TrafficPolicy.outlierDetection',
  'TrafficPolicy.outlierDetection.consecutiveErrors',
  'TrafficPolicy.loadBalancer.RoundRobin',
  'TrafficPolicy.loadBalancer.LeastRequest',
  'TrafficPolicy.loadBalancer.RingHash',
  'TrafficPolicy.loadBalancer.Random',
  'TrafficPolicy.loadBalancer.hashOn.header',
  'TrafficPolicy.loadBalancer.hashOn.cookie',
  'TrafficPolicy.loadBalancer.hashOn.sourceIP',
  'TrafficPolicy.localityFailover',
  'TrafficPolicy.healthChecks',
  'TrafficPolicy.faultInjection',
  'AuthorizationPolicy',
  'AuthenticationPolicy',
  'RateLimitPolicy',
  'Mesh.mtls',
] as const;
export type Feature = (typeof FEATURES)[number];

export interface Capability {
  support: Support;
  /** Why, in a few words, for the docs and the finding's message. */
  note: string;
}

/** One role's table: every feature has an entry (the type checker makes sure). */
export type CapabilityTable = Record<Feature, Capability>;

/** A field one role cannot enforce, found on a stored object. */
export interface UnsupportedFinding {
  kind: string;
  namespace: string;
  name: string;
  /** Routes: the parentRef (namespace filled in) through which the role sees the rule. */
  parentRef?: ObjectReference;
  /** Field path in the object, e.g. "spec.rules[0].filters[1]". */
  path: string;
  role: DataPlaneRole;
  feature: Feature;
  support: Exclude<Support, 'supported'>;
  message: string;
}

export const SUPPORTED = (note: string): Capability => ({ support: 'supported', note });

/** A table where every feature has the same entry, then the overrides. */
export function uniformTable(
  capability: Capability,
  overrides: Partial<CapabilityTable> = {},
): CapabilityTable {
  const table = {} as CapabilityTable;
  for (const feature of FEATURES) table[feature] = overrides[feature] ?? capability;
  return table;
}
