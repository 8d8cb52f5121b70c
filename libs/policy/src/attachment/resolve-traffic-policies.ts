// TrafficPolicy attachment: cluster-level fields on a route target make the
// policy Invalid; at one target, each field goes to the oldest policy setting it
// (creationTimestamp, then namespace/name) and every younger one setting it is
// Conflicted, naming the field and the winner. A Conflicted policy still applies
// the fields it did not lose.
import {
  CLUSTER_LEVEL_FIELDS,
  TRAFFIC_POLICY_FIELDS,
  type TrafficPolicySpec,
} from '@crossway/model';
import { falseCondition, REASONS } from '../common/conditions';
import type { ObjectIndex, Stored } from '../common/object-index';
import type {
  AttachedTrafficPolicy,
  TrafficPolicyField,
  TrafficPolicyFields,
} from './attachment-types';
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

export interface ResolvedTrafficPolicies {
  attached: AttachedTrafficPolicy[];
  outcomes: PolicyOutcome[];
}

/** The policy's fields, keeping only those it won. */
function pickFields(
  spec: TrafficPolicySpec,
  won: ReadonlySet<TrafficPolicyField>,
): TrafficPolicyFields {
  const { targetRef: _targetRef, ...fields } = spec;
  for (const field of TRAFFIC_POLICY_FIELDS) if (!won.has(field)) delete fields[field];
  return fields;
}

function setFields(spec: TrafficPolicySpec): TrafficPolicyField[] {
  return TRAFFIC_POLICY_FIELDS.filter((f) => spec[f] !== undefined);
}

export function resolveTrafficPolicies(index: ObjectIndex): ResolvedTrafficPolicies {
  const outcomes: PolicyOutcome[] = [];
  const attached: AttachedTrafficPolicy[] = [];
  const valid: Candidate<'TrafficPolicy'>[] = [];
  for (const c of resolveCandidates(index, index.trafficPolicies, outcomes)) {
    const onRoute = c.level === 'Route' || c.level === 'RouteRule';
    const clusterFields = CLUSTER_LEVEL_FIELDS.filter((f) => c.stored.spec[f] !== undefined);
    if (onRoute && clusterFields.length > 0) {
      outcomes.push(
        outcome(
          c.stored,
          c.ancestorRef,
          falseCondition(
            'Accepted',
            REASONS.Invalid,
            `${clusterFields.join(', ')} configure a cluster and cannot target a route; target the backend Service instead`,
          ),
        ),
      );
      continue;
    }
    valid.push(c);
  }

  for (const group of groupByTarget(valid)) {
    const winners = new Map<TrafficPolicyField, Stored<'TrafficPolicy'>>();
    for (const c of group) {
      const won = new Set<TrafficPolicyField>();
      const lost: string[] = [];
      for (const field of setFields(c.stored.spec)) {
        const winner = winners.get(field);
        if (winner) lost.push(`${field} (set by TrafficPolicy ${winner.namespace}/${winner.name})`);
        else {
          winners.set(field, c.stored);
          won.add(field);
        }
      }
      const fields = pickFields(c.stored.spec, won);
      if (won.size > 0) {
        const a: AttachedTrafficPolicy = {
          policy: policyId(c.stored),
          level: c.level,
          target: c.target,
          fields,
        };
        if (c.stored.creationTimestamp !== undefined)
          a.creationTimestamp = c.stored.creationTimestamp;
        attached.push(a);
      }
      outcomes.push(
        outcome(
          c.stored,
          c.ancestorRef,
          lost.length === 0
            ? acceptedCondition(c.target)
            : falseCondition(
                'Accepted',
                REASONS.Conflicted,
                `An older policy on ${describeTarget(c.target)} wins ${lost.join(', ')}; this policy's value${lost.length > 1 ? 's are' : ' is'} ignored there`,
              ),
        ),
      );
    }
  }
  return { attached, outcomes };
}
