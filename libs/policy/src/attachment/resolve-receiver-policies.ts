// Receiving-side policies. AuthorizationPolicies combine: every one whose target
// exists is attached. RateLimitPolicy and AuthenticationPolicy are kept simple:
// at one target the oldest wins and the others are Conflicted.
import type {
  AuthenticationPolicySpec,
  AuthorizationPolicySpec,
  RateLimitPolicySpec,
} from '@crossway/model';
import { falseCondition, REASONS } from '../common/conditions';
import type { ObjectIndex, Stored } from '../common/object-index';
import type { AttachedPolicy, PolicyKind } from './attachment-types';
import {
  acceptedCondition,
  groupByTarget,
  outcome,
  policyId,
  resolveCandidates,
  type Candidate,
  type PolicyOutcome,
} from './policy-candidates';
import { describeTarget } from './policy-targets';

export interface ResolvedReceiverPolicies {
  authorization: AttachedPolicy<AuthorizationPolicySpec>[];
  rateLimits: AttachedPolicy<RateLimitPolicySpec>[];
  authentication: AttachedPolicy<AuthenticationPolicySpec>[];
  outcomes: PolicyOutcome[];
}

function attach<K extends PolicyKind>(c: Candidate<K>): AttachedPolicy<Stored<K>['spec']> {
  const a: AttachedPolicy<Stored<K>['spec']> = {
    policy: policyId(c.stored),
    level: c.level,
    target: c.target,
    spec: c.stored.spec,
  };
  if (c.stored.creationTimestamp !== undefined) a.creationTimestamp = c.stored.creationTimestamp;
  return a;
}

function oldestWins<K extends 'RateLimitPolicy' | 'AuthenticationPolicy'>(
  candidates: readonly Candidate<K>[],
  outcomes: PolicyOutcome[],
): AttachedPolicy<Stored<K>['spec']>[] {
  const attached: AttachedPolicy<Stored<K>['spec']>[] = [];
  for (const [winner, ...losers] of groupByTarget(candidates)) {
    if (!winner) continue;
    attached.push(attach(winner));
    outcomes.push(outcome(winner.stored, winner.ancestorRef, acceptedCondition(winner.target)));
    for (const loser of losers)
      outcomes.push(
        outcome(
          loser.stored,
          loser.ancestorRef,
          falseCondition(
            'Accepted',
            REASONS.Conflicted,
            `${winner.stored.kind} ${winner.stored.namespace}/${winner.stored.name} is older and already applies to ${describeTarget(winner.target)}; this policy is ignored`,
          ),
        ),
      );
  }
  return attached;
}

export function resolveReceiverPolicies(index: ObjectIndex): ResolvedReceiverPolicies {
  const outcomes: PolicyOutcome[] = [];
  const authorization = groupByTarget(
    resolveCandidates(index, index.authorizationPolicies, outcomes),
  )
    .flat()
    .map((c) => {
      outcomes.push(outcome(c.stored, c.ancestorRef, acceptedCondition(c.target)));
      return attach(c);
    });
  const rateLimits = oldestWins(
    resolveCandidates(index, index.rateLimitPolicies, outcomes),
    outcomes,
  );
  const authentication = oldestWins(
    resolveCandidates(index, index.authenticationPolicies, outcomes),
    outcomes,
  );
  return { authorization, rateLimits, authentication, outcomes };
}
