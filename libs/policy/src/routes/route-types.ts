// Resolved routes and route tables: plain, serializable data, sorted by stable keys.
import type {
  GRPCRouteRule,
  HTTPRouteFilter,
  HTTPRouteRule,
  ObjectReference,
  ServicePort,
} from '@crossway/model';
import type { NamespacedName } from '../common/ids';
import type { RouteKind } from '../common/object-index';

export type { RouteKind } from '../common/object-index';
export type L7RouteKind = 'HTTPRoute' | 'GRPCRoute';
export type PathMatchType = 'Exact' | 'PathPrefix' | 'RegularExpression';
export type HttpMethod = NonNullable<HTTPRouteRule['matches'][number]['method']>;

export interface ResolvedPathMatch {
  type: PathMatchType;
  /** PathPrefix values are normalized: no trailing "/" except the root ("/abc/" becomes "/abc"). */
  value: string;
}

export interface ResolvedValueMatch {
  type: 'Exact' | 'RegularExpression';
  /** Header names are lower-cased (they match case-insensitively). */
  name: string;
  value: string;
}

export interface ResolvedGrpcMethodMatch {
  type: 'Exact' | 'RegularExpression';
  service?: string;
  method?: string;
}

/** One match of a rule. GRPCRoute matches carry `grpc` and a `path` derived from it. */
export interface ResolvedMatch {
  path: ResolvedPathMatch;
  method?: HttpMethod;
  /** Sorted by name. */
  headers: ResolvedValueMatch[];
  /** Sorted by name. */
  queryParams: ResolvedValueMatch[];
  grpc?: ResolvedGrpcMethodMatch;
}

/** A valid backend: a Service port that exists and may be referred to. */
export interface ResolvedBackend {
  service: NamespacedName;
  port: number;
  portName: string;
  protocol: ServicePort['protocol'];
  weight: number;
}

export interface ResolvedMirror {
  backend: ResolvedBackend;
  percent: number;
}

/**
 * What a rule does with a request it matches:
 * - Forward: weighted backends; `invalidWeight` is the total weight of backends that
 *   did not resolve, whose share of requests must get a 500.
 * - Redirect: the rule's RequestRedirect filter answers.
 * - DirectResponse: answer 500 here (every backend is missing or not permitted, or
 *   none was given). Never fall through to another rule.
 */
export type RuleAction =
  | { type: 'Forward'; backends: ResolvedBackend[]; invalidWeight: number }
  | { type: 'Redirect' }
  | { type: 'DirectResponse'; status: 500; reason: string };

type AnyRouteFilter = HTTPRouteFilter | GRPCRouteRule['filters'][number];
/** Filters other than RequestMirror (mirrors are resolved into `mirrors`), in spec order. */
export type ResolvedFilter = Exclude<AnyRouteFilter, { type: 'RequestMirror' }>;

export interface ResolvedRule {
  index: number;
  name?: string;
  /** Empty for TCPRoute and TLSRoute. A GRPCRoute rule without matches gets one match-all. */
  matches: ResolvedMatch[];
  filters: ResolvedFilter[];
  mirrors: ResolvedMirror[];
  timeouts?: NonNullable<HTTPRouteRule['timeouts']>;
  retry?: NonNullable<HTTPRouteRule['retry']>;
  action: RuleAction;
}

export interface ListenerAttachment {
  gateway: NamespacedName;
  listener: string;
  /** The route's hostnames as intersected with the listener's ("*": any). */
  hostnames: string[];
}

export interface ServicePortAttachment {
  service: NamespacedName;
  port: string;
  /** Producer: the route lives in the Service's namespace. Consumer: in another one. */
  role: 'Producer' | 'Consumer';
}

export interface ResolvedParent {
  /** The spec's parentRef with its namespace filled in. */
  parentRef: ObjectReference;
  accepted: boolean;
  listeners: ListenerAttachment[];
  servicePorts: ServicePortAttachment[];
}

export interface ResolvedRoute {
  kind: RouteKind;
  namespace: string;
  name: string;
  creationTimestamp?: string;
  hostnames: string[];
  parents: ResolvedParent[];
  rules: ResolvedRule[];
}

export interface RouteTableEntry {
  /** Derived config name: "httproute/<ns>/<name>/rule/<i>/match/<j>" or "service/<ns>/<name>/port/<p>/default". */
  name: string;
  /** The route, or the Service itself for a port's default route. */
  route: { kind: L7RouteKind | 'Service'; namespace: string; name: string };
  /** Index of the parentRef that attached the route (absent for a default route). */
  parentRef?: number;
  /** GRPCRoute entries match only requests whose content-type starts with application/grpc. */
  grpcOnly: boolean;
  /** Listener tables: the route hostname that placed the entry in this virtual host. */
  hostname?: string;
  matchIndex: number;
  match: ResolvedMatch;
  rule: ResolvedRule;
}

/** Requests whose Host falls in `hostname` (most specific virtual host wins) try `entries` in order. */
export interface VirtualHost {
  hostname: string;
  entries: RouteTableEntry[];
}

export interface L4RouteEntry {
  /** "tcproute/<ns>/<name>/rule/<i>" or "tlsroute/...". */
  name: string;
  route: { kind: 'TCPRoute' | 'TLSRoute'; namespace: string; name: string };
  parentRef: number;
  ruleIndex: number;
  /** TLSRoute: SNI names ("*": any). TCPRoute: empty. */
  hostnames: string[];
  action: RuleAction;
}
