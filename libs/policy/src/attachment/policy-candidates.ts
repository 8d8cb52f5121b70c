// The first step shared by every policy kind: resolve each policy's targetRef,
// keep those whose target exists, and record the others' TargetNotFound status.
import type { ObjectReference } from '@crossway/model';
import {
  chain,
  compareAge,
  compareNumbers,
  compareStrings,
  type Comparator,
} from '../common/compare';
import { REASONS, trueCondition, type ConditionDraft } from '../common/conditions';
import type { ObjectIndex, Stored, StoredMeta } from '../common/object-index';
import type { AttachmentLevel, PolicyId, PolicyKind, PolicyTarget } from './attachment-types';
import {
  describeTarget,
  levelRank,
  resolveTarget,
  targetKey,
  type TargetRefInput,
} from './policy-targets';

/** What a policy's status says: one ancestor (its target) with its conditions. */
export interface PolicyOutcome {
  id: PolicyId;
  generation?: number;
  ancestorRef: ObjectReference;
  conditions: ConditionDraft[];
}

export interface Candidate<K extends PolicyKind> {
  stored: Stored<K>;
  target: PolicyTarget;
  level: AttachmentLevel;
  ancestorRef: ObjectReference;
}

export function policyId(stored: StoredMeta<PolicyKind>): PolicyId {
  return { kind: stored.kind, namespace: stored.namespace, name: stored.name };
}

export function outcome(
  stored: StoredMeta<PolicyKind>,
  ancestorRef: ObjectReference,
  condition: ConditionDraft,
): PolicyOutcome {
  const o: PolicyOutcome = { id: policyId(stored), ancestorRef, conditions: [condition] };
  if (stored.generation !== undefined) o.generation = stored.generation;
  return o;
}

export function acceptedCondition(target: PolicyTarget): ConditionDraft {
  return trueCondition('Accepted', REASONS.Accepted, `Attached to ${describeTarget(target)}`);
}

export function resolveCandidates<K extends PolicyKind>(
  index: ObjectIndex,
  policies: readonly (Stored<K> & { spec: { targetRef: TargetRefInput } })[],
  outcomes: PolicyOutcome[],
): Candidate<K>[] {
  const candidates: Candidate<K>[] = [];
  for (const stored of policies) {
    const result = resolveTarget(index, stored.namespace, stored.spec.targetRef);
    if (!result.ok) outcomes.push(outcome(stored, result.ancestorRef, result.condition));
    else
      candidates.push({
        stored,
        target: result.target,
        level: result.level,
        ancestorRef: result.ancestorRef,
      });
  }
  return candidates;
}

interface Placed {
  stored: StoredMeta;
  target: PolicyTarget;
  level: AttachmentLevel;
}

/** Most specific level first, then by target, then oldest. */
export const compareCandidates: Comparator<Placed> = chain<Placed>(
  (a, b) => compareNumbers(levelRank(a.level), levelRank(b.level)),
  (a, b) => compareStrings(targetKey(a.target), targetKey(b.target)),
  (a, b) => compareAge(a.stored, b.stored),
);

/** Candidates grouped by target, each group oldest first (then namespace/name). */
export function groupByTarget<K extends PolicyKind>(
  candidates: readonly Candidate<K>[],
): Candidate<K>[][] {
  const groups = new Map<string, Candidate<K>[]>();
  for (const c of [...candidates].sort(compareCandidates)) {
    const key = targetKey(c.target);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()];
}
