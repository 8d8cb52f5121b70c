// lastTransitionTime and change detection for statuses. A condition keeps the stored
// lastTransitionTime while its status and reason stay the same (message or
// observedGeneration changes are not transitions), and gets `now` otherwise. Two
// statuses are the same when they are equal ignoring lastTransitionTime.
import type { Condition, ObjectStatus } from '@crossway/model';

function stampList(
  desired: readonly Condition[],
  stored: readonly Condition[] | undefined,
  now: string,
): Condition[] {
  return desired.map((c) => {
    const before = stored?.find((s) => s.type === c.type);
    const kept =
      before !== undefined &&
      before.status === c.status &&
      before.reason === c.reason &&
      before.lastTransitionTime !== undefined;
    return { ...c, lastTransitionTime: kept ? (before.lastTransitionTime as string) : now };
  });
}

function refKey(ref: unknown): string {
  return stableJson(ref);
}

/** `desired` with every condition's lastTransitionTime set, kept from `stored` where no transition happened. */
export function stampTransitions(
  desired: ObjectStatus,
  stored: ObjectStatus | undefined,
  now: string,
): ObjectStatus {
  const out: ObjectStatus = { ...desired };
  if (desired.conditions) out.conditions = stampList(desired.conditions, stored?.conditions, now);
  if (desired.parents)
    out.parents = desired.parents.map((p) => {
      const before = stored?.parents?.find((s) => refKey(s.parentRef) === refKey(p.parentRef));
      return { ...p, conditions: stampList(p.conditions, before?.conditions, now) };
    });
  if (desired.ancestors)
    out.ancestors = desired.ancestors.map((a) => {
      const before = stored?.ancestors?.find(
        (s) => refKey(s.ancestorRef) === refKey(a.ancestorRef),
      );
      return { ...a, conditions: stampList(a.conditions, before?.conditions, now) };
    });
  return out;
}

/** JSON with object keys sorted and undefined values dropped, for comparisons. */
export function stableJson(value: unknown, skipKey?: string): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([k, x]) => x !== undefined && k !== skipKey)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, x]) => [k, walk(x)]));
  };
  return JSON.stringify(walk(value));
}

/** Equal ignoring lastTransitionTime. */
export function sameStatus(a: ObjectStatus | undefined, b: ObjectStatus | undefined): boolean {
  return stableJson(a ?? {}, 'lastTransitionTime') === stableJson(b ?? {}, 'lastTransitionTime');
}
