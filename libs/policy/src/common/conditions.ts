// Condition types and reasons this layer writes, and the one place conditions are
// built. No lastTransitionTime: the status writer adds it (this layer has no clock).
import type { Condition, ConditionStatus } from '@crossway/model';

export const CONDITION_TYPES = ['Accepted', 'ResolvedRefs', 'RuleShadowed'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Reasons, named as Gateway API names them where it has a name. */
export const REASONS = {
  Accepted: 'Accepted',
  ResolvedRefs: 'ResolvedRefs',
  // Route parents
  NotAllowedByListeners: 'NotAllowedByListeners',
  NoMatchingListenerHostname: 'NoMatchingListenerHostname',
  NoMatchingParent: 'NoMatchingParent',
  UnsupportedValue: 'UnsupportedValue',
  // References
  BackendNotFound: 'BackendNotFound',
  RefNotPermitted: 'RefNotPermitted',
  InvalidKind: 'InvalidKind',
  InvalidCertificateRef: 'InvalidCertificateRef',
  InvalidCACertificateRef: 'InvalidCACertificateRef',
  InvalidRouteKinds: 'InvalidRouteKinds',
  // Workloads (Gateway API has no name for these)
  ServiceNotFound: 'ServiceNotFound',
  PortNotFound: 'PortNotFound',
  // Policies
  Conflicted: 'Conflicted',
  Invalid: 'Invalid',
  TargetNotFound: 'TargetNotFound',
  // Static analysis
  Shadowed: 'Shadowed',
  // Role capabilities (written by @crossway/xds: a field one data-plane role cannot enforce)
  UnsupportedForRole: 'UnsupportedForRole',
  // Data planes (written by the control plane's status writer: Programmed and NACKs)
  Programmed: 'Programmed',
  Pending: 'Pending',
  RejectedByDataPlane: 'RejectedByDataPlane',
} as const;
export type Reason = (typeof REASONS)[keyof typeof REASONS];

/** A condition before it is stamped with the object's generation. */
export interface ConditionDraft {
  type: ConditionType;
  status: ConditionStatus;
  reason: Reason;
  message: string;
}

export function trueCondition(
  type: ConditionType,
  reason: Reason,
  message: string,
): ConditionDraft {
  return { type, status: 'True', reason, message };
}

export function falseCondition(
  type: ConditionType,
  reason: Reason,
  message: string,
): ConditionDraft {
  return { type, status: 'False', reason, message };
}

/** Stamps drafts with observedGeneration and orders them by type (Accepted, ResolvedRefs, RuleShadowed). */
export function stampConditions(
  drafts: readonly ConditionDraft[],
  generation: number | undefined,
): Condition[] {
  return [...drafts]
    .sort((a, b) => CONDITION_TYPES.indexOf(a.type) - CONDITION_TYPES.indexOf(b.type))
    .map((d) => {
      const c: Condition = { type: d.type, status: d.status, reason: d.reason, message: d.message };
      if (generation !== undefined) c.observedGeneration = generation;
      return c;
    });
}
