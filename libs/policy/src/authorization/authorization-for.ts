// Which receiving-side policies apply where. A policy on Mesh is about mesh
// inbound traffic: in crossway-system it applies to every Service, elsewhere to
// the Services of its namespace; it never applies to a Gateway (an edge's clients
// have no mesh identity, so a mesh-wide ALLOW would shut every edge). A policy on
// a Gateway or Service applies to it (with a sectionName: only to that listener or
// port). Results are most specific first.
import type {
  AuthenticationPolicySpec,
  AuthorizationPolicySpec,
  RateLimitPolicySpec,
} from '@crossway/model';
import type {
  AttachedPolicy,
  AttachmentLevel,
  PolicyId,
  ReceiverTarget,
} from '../attachment/attachment-types';
import type { ResolvedPolicy } from '../resolved-types';

export type AuthorizationRule = AuthorizationPolicySpec['rules'][number];

export interface AuthorizationEntry {
  policy: PolicyId;
  level: AttachmentLevel;
  rules: AuthorizationRule[];
}

export interface AuthorizationSet {
  target: ReceiverTarget;
  denies: AuthorizationEntry[];
  allows: AuthorizationEntry[];
  /** When no ALLOW applies: Mesh.defaultAuthorization for mesh inbound, ALLOW at edges. */
  default: 'ALLOW' | 'DENY';
}

export function appliesToReceiver<S>(policy: AttachedPolicy<S>, target: ReceiverTarget): boolean {
  const t = policy.target;
  if (t.kind === 'Mesh') {
    if (target.kind === 'Gateway') return false;
    return (
      t.namespace === undefined || (target.kind === 'Service' && target.namespace === t.namespace)
    );
  }
  if (target.kind === 'Mesh' || t.kind !== target.kind) return false;
  return (
    t.namespace === target.namespace &&
    t.name === target.name &&
    (t.sectionName === undefined || t.sectionName === target.sectionName)
  );
}

/** Applicable policies of a list, in its order (most specific level first, then oldest). */
export function receiverPoliciesFor<S>(
  policies: readonly AttachedPolicy<S>[],
  target: ReceiverTarget,
): AttachedPolicy<S>[] {
  return policies.filter((p) => appliesToReceiver(p, target));
}

export function authorizationFor(
  resolved: ResolvedPolicy,
  target: ReceiverTarget,
): AuthorizationSet {
  const applicable = receiverPoliciesFor(resolved.authorizationPolicies, target);
  const entry = (p: AttachedPolicy<AuthorizationPolicySpec>): AuthorizationEntry => ({
    policy: p.policy,
    level: p.level,
    rules: p.spec.rules,
  });
  return {
    target,
    denies: applicable.filter((p) => p.spec.action === 'DENY').map(entry),
    allows: applicable.filter((p) => p.spec.action === 'ALLOW').map(entry),
    default: target.kind === 'Gateway' ? 'ALLOW' : resolved.mesh.spec.defaultAuthorization,
  };
}

export function rateLimitsFor(
  resolved: ResolvedPolicy,
  target: ReceiverTarget,
): AttachedPolicy<RateLimitPolicySpec>[] {
  return receiverPoliciesFor(resolved.rateLimitPolicies, target);
}

export function authenticationFor(
  resolved: ResolvedPolicy,
  target: ReceiverTarget,
): AttachedPolicy<AuthenticationPolicySpec>[] {
  return receiverPoliciesFor(resolved.authenticationPolicies, target);
}
