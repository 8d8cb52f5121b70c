// Policy attachment (GEP-713): where each policy attaches and at which level.
import type {
  AuthorizationPolicySpec,
  TRAFFIC_POLICY_FIELDS,
  TrafficPolicySpec,
} from '@crossway/model';

/** Most specific first. `Rule` is a route rule's own timeouts and retry; no policy sits there. */
export const TRAFFIC_POLICY_LEVELS = [
  'Rule',
  'RouteRule',
  'Route',
  'ServicePort',
  'Service',
  'Listener',
  'Gateway',
  'NamespaceMesh',
  'Mesh',
] as const;
export type TrafficPolicyLevel = (typeof TRAFFIC_POLICY_LEVELS)[number];
export type AttachmentLevel = Exclude<TrafficPolicyLevel, 'Rule'>;

export type TrafficPolicyField = (typeof TRAFFIC_POLICY_FIELDS)[number];
/** The fields of a TrafficPolicy without its targetRef. */
export type TrafficPolicyFields = Omit<TrafficPolicySpec, 'targetRef'>;

export type PolicyKind =
  'TrafficPolicy' | 'AuthorizationPolicy' | 'RateLimitPolicy' | 'AuthenticationPolicy';

export interface PolicyId {
  kind: PolicyKind;
  namespace: string;
  name: string;
}

/**
 * A resolved targetRef. A Mesh target with a namespace is a Mesh-targeted policy
 * outside crossway-system: it applies to that namespace only.
 */
export type PolicyTarget =
  | { kind: 'Mesh'; namespace?: string }
  | {
      kind: 'Gateway' | 'Service' | 'HTTPRoute' | 'GRPCRoute';
      namespace: string;
      name: string;
      /** Gateway: listener name. Service: port name. Route: rule name. */
      sectionName?: string;
    };

export interface AttachedPolicy<S> {
  policy: PolicyId;
  creationTimestamp?: string;
  level: AttachmentLevel;
  target: PolicyTarget;
  spec: S;
}

export type AttachedAuthorizationPolicy = AttachedPolicy<AuthorizationPolicySpec>;

export interface AttachedTrafficPolicy {
  policy: PolicyId;
  creationTimestamp?: string;
  level: AttachmentLevel;
  target: PolicyTarget;
  /** Only the fields this policy wins at its target (older policies win conflicts). */
  fields: TrafficPolicyFields;
}

/** Where a receiving-side policy (authorization, rate limit, authentication) is enforced. */
export type ReceiverTarget =
  | { kind: 'Mesh' }
  | {
      kind: 'Gateway' | 'Service';
      namespace: string;
      name: string;
      sectionName?: string | undefined;
    };
