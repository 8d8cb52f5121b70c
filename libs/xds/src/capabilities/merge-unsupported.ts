// Puts UnsupportedForRole findings into the policy layer's statuses: for a
// route, the Accepted condition of the parent through which the role sees it;
// for a policy, of its ancestors; otherwise of the object. Pure: returns new
// status entries, the input is left as it was.
import type { Condition, ObjectReference } from '@crossway/model';
import { REASONS, type ObjectStatusEntry } from '@crossway/policy';
import type { UnsupportedFinding } from './capability-types';

function sameRef(a: ObjectReference, b: ObjectReference): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '') &&
    (a.sectionName ?? '') === (b.sectionName ?? '') &&
    (a.port ?? 0) === (b.port ?? 0)
  );
}

/** Accepted=False, reason UnsupportedForRole, replacing any Accepted condition in `conditions`. */
function withUnsupported(
  conditions: readonly Condition[],
  findings: readonly UnsupportedFinding[],
) {
  const previous = conditions.find((c) => c.type === 'Accepted');
  const roles = [...new Set(findings.map((f) => f.role))].sort();
  const condition: Condition = {
    type: 'Accepted',
    status: 'False',
    reason: REASONS.UnsupportedForRole,
    message: `Not enforceable by ${roles.join(', ')} data planes, left out of their config: ${findings
      .map((f) => `${f.path} (${f.role}: ${f.feature} ${f.support})`)
      .join('; ')}`,
  };
  if (previous?.observedGeneration !== undefined)
    condition.observedGeneration = previous.observedGeneration;
  const rest = conditions.filter((c) => c.type !== 'Accepted');
  return [condition, ...rest];
}

function objectKey(o: { kind: string; namespace?: string | undefined; name: string }): string {
  return `${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

export function mergeUnsupportedForRole(
  statuses: readonly ObjectStatusEntry[],
  findings: readonly UnsupportedFinding[],
): ObjectStatusEntry[] {
  const byObject = new Map<string, UnsupportedFinding[]>();
  for (const f of findings) {
    const k = objectKey(f);
    byObject.set(k, [...(byObject.get(k) ?? []), f]);
  }
  return statuses.map((entry) => {
    const mine = byObject.get(objectKey(entry));
    if (!mine) return entry;
    const status = { ...entry.status };
    const forParents = mine.filter((f) => f.parentRef !== undefined);
    const forObject = mine.filter((f) => f.parentRef === undefined);
    if (status.parents && forParents.length > 0)
      status.parents = status.parents.map((p) => {
        const here = forParents.filter((f) => f.parentRef && sameRef(f.parentRef, p.parentRef));
        return here.length === 0 ? p : { ...p, conditions: withUnsupported(p.conditions, here) };
      });
    if (forObject.length > 0) {
      if (status.ancestors)
        status.ancestors = status.ancestors.map((a) => ({
          ...a,
          conditions: withUnsupported(a.conditions, forObject),
        }));
      else status.conditions = withUnsupported(status.conditions ?? [], forObject);
    }
    return { ...entry, status };
  });
}
