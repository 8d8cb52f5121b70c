// Which conditions of an object's status an operator must look at: Accepted not True,
// ResolvedRefs=False, Programmed=False (except while data planes have not answered).
// Routes carry them per parent, policies per ancestor, other kinds at the top.

export interface StatusIssue {
  kind: string;
  namespace: string | undefined;
  name: string;
  type: string;
  reason: string;
  message: string;
  /** The parent (routes) or ancestor (policies) the condition concerns, e.g. "Gateway edge/public". */
  concerns?: string;
}

interface Condition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

interface Ref {
  kind?: unknown;
  namespace?: unknown;
  name?: unknown;
  sectionName?: unknown;
}

function isIssue(c: Condition): boolean {
  if (c.type === 'Accepted') return c.status !== 'True';
  if (c.type === 'ResolvedRefs') return c.status === 'False';
  // Pending is a push not answered yet, not a fault.
  if (c.type === 'Programmed') return c.status === 'False' && c.reason !== 'Pending';
  return false;
}

function refText(ref: Ref | undefined, defaultKind: string, defaultNs: string | undefined) {
  if (!ref || typeof ref.name !== 'string') return undefined;
  const kind = typeof ref.kind === 'string' ? ref.kind : defaultKind;
  const ns = typeof ref.namespace === 'string' ? ref.namespace : defaultNs;
  const section = typeof ref.sectionName === 'string' ? ` (${ref.sectionName})` : '';
  return `${kind} ${ns ? `${ns}/` : ''}${ref.name}${section}`;
}

function conditionsOf(value: unknown): Condition[] {
  return Array.isArray(value) ? (value as Condition[]) : [];
}

/** The issues in one object's status (none for a healthy one). */
export function statusIssues(object: {
  kind: string;
  metadata: { namespace?: string; name: string };
  status?: unknown;
}): StatusIssue[] {
  const status = (object.status ?? {}) as {
    parents?: { parentRef?: Ref; conditions?: unknown }[];
    ancestors?: { ancestorRef?: Ref; conditions?: unknown }[];
    conditions?: unknown;
  };
  const { namespace, name } = object.metadata;
  const found: StatusIssue[] = [];
  const add = (conditions: unknown, concerns: string | undefined) => {
    for (const c of conditionsOf(conditions)) {
      if (!isIssue(c)) continue;
      found.push({
        kind: object.kind,
        namespace,
        name,
        type: String(c.type),
        reason: typeof c.reason === 'string' ? c.reason : '',
        message: typeof c.message === 'string' ? c.message : '',
        ...(concerns === undefined ? {} : { concerns }),
      });
    }
  };
  for (const parent of Array.isArray(status.parents) ? status.parents : [])
    add(parent.conditions, refText(parent.parentRef, 'Gateway', namespace));
  for (const ancestor of Array.isArray(status.ancestors) ? status.ancestors : [])
    add(ancestor.conditions, refText(ancestor.ancestorRef, 'Gateway', namespace));
  add(status.conditions, undefined);
  return found;
}
