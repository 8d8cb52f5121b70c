// Reading an object's status conditions, shared by the overview (issues), the object
// pages (per-parent blocks, list badges) and the topology (Accepted per node). Status
// arrives untyped from the API; these helpers read it without trusting its shape.
// Routes carry conditions per parent (status.parents[].parentRef), policies per
// ancestor (status.ancestors[].ancestorRef), other kinds at the top (status.conditions).

export type Rec = Record<string, unknown>;

/** An object (not an array), or an empty one. */
export function record(value: unknown): Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : {};
}

/** An array, or an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** An array of objects (non-objects read as empty ones). */
export function records(value: unknown): Rec[] {
  return list(value).map(record);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** The entries of a conditions array that have a type, read field by field (status
 * comes from another process: a field of the wrong type is left out, not trusted). */
export function conditionsOf(value: unknown): Condition[] {
  const conditions: Condition[] = [];
  for (const c of records(value)) {
    const type = str(c['type']);
    if (type === undefined) continue;
    const reason = str(c['reason']);
    const message = str(c['message']);
    const lastTransitionTime = str(c['lastTransitionTime']);
    const observedGeneration = c['observedGeneration'];
    conditions.push({
      type,
      status: str(c['status']) ?? 'Unknown',
      ...(reason === undefined ? {} : { reason }),
      ...(message === undefined ? {} : { message }),
      ...(typeof observedGeneration === 'number' ? { observedGeneration } : {}),
      ...(lastTransitionTime === undefined ? {} : { lastTransitionTime }),
    });
  }
  return conditions;
}

/** One block of conditions, with the raw parentRef / ancestorRef it concerns. */
export interface StatusBlock {
  /** "parent" (routes), "ancestor" (policies) or "own" (status.conditions). */
  source: 'parent' | 'ancestor' | 'own';
  /** The raw reference ({} for "own"). */
  ref: Rec;
  conditions: Condition[];
}

/** The condition blocks of an object's status: parents, then ancestors, then its own. */
export function statusBlocks(object: { status?: unknown }): StatusBlock[] {
  const status = record(object.status);
  return [
    ...records(status['parents']).map((p) => ({
      source: 'parent' as const,
      ref: record(p['parentRef']),
      conditions: conditionsOf(p['conditions']),
    })),
    ...records(status['ancestors']).map((a) => ({
      source: 'ancestor' as const,
      ref: record(a['ancestorRef']),
      conditions: conditionsOf(a['conditions']),
    })),
    { source: 'own' as const, ref: {}, conditions: conditionsOf(status['conditions']) },
  ];
}

/** Every condition of an object's status, from all blocks. */
export function allConditions(object: { status?: unknown }): Condition[] {
  return statusBlocks(object).flatMap((b) => b.conditions);
}

/** Condition types where True is the problem (the others are healthy when True). */
const NEGATIVE_TYPES = new Set(['RuleShadowed', 'Conflicted']);

/** Whether a condition is not in its healthy state (for status badges). */
export function isFailing(c: Condition): boolean {
  return NEGATIVE_TYPES.has(c.type) ? c.status === 'True' : c.status !== 'True';
}

/**
 * Whether an operator must look at a condition: Accepted not True, ResolvedRefs=False,
 * Programmed=False except while data planes have not answered (reason Pending).
 */
export function needsAttention(c: Condition): boolean {
  if (c.type === 'Accepted') return c.status !== 'True';
  if (c.type === 'ResolvedRefs') return c.status === 'False';
  // Pending is a push not answered yet, not a fault.
  if (c.type === 'Programmed') return c.status === 'False' && c.reason !== 'Pending';
  return false;
}

/** Accepted from the conditions, "unknown" when the control plane wrote none. */
export function acceptance(object: { status?: unknown }): {
  accepted: boolean | undefined;
  /** The first failing Accepted condition's message (or reason). */
  message?: string;
} {
  // The object's own conditions first, so theirs is the message a node shows.
  const blocks = statusBlocks(object);
  const ordered = [
    ...blocks.filter((b) => b.source === 'own'),
    ...blocks.filter((b) => b.source !== 'own'),
  ];
  const accepted = ordered.flatMap((b) => b.conditions).filter((c) => c.type === 'Accepted');
  if (accepted.length === 0) return { accepted: undefined };
  const failed = accepted.find((c) => c.status !== 'True');
  if (!failed) return { accepted: true };
  const message = str(failed.message) ?? str(failed.reason);
  return { accepted: false, ...(message ? { message } : {}) };
}
