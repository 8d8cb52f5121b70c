// Which conditions of an object's status an operator must look at (needsAttention in
// src/object-status.ts), one issue per condition with the parent or ancestor it concerns.
import { needsAttention, statusBlocks, str, type Rec } from '../../object-status';

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

function refText(ref: Rec, defaultKind: string, defaultNs: string | undefined) {
  const name = str(ref['name']);
  if (name === undefined) return undefined;
  const kind = str(ref['kind']) ?? defaultKind;
  const ns = str(ref['namespace']) ?? defaultNs;
  const section = str(ref['sectionName']);
  return `${kind} ${ns ? `${ns}/` : ''}${name}${section === undefined ? '' : ` (${section})`}`;
}

/** The issues in one object's status (none for a healthy one). */
export function statusIssues(object: {
  kind: string;
  metadata: { namespace?: string; name: string };
  status?: unknown;
}): StatusIssue[] {
  const { namespace, name } = object.metadata;
  const found: StatusIssue[] = [];
  for (const block of statusBlocks(object)) {
    const concerns = block.source === 'own' ? undefined : refText(block.ref, 'Gateway', namespace);
    for (const c of block.conditions) {
      if (!needsAttention(c)) continue;
      found.push({
        kind: object.kind,
        namespace,
        name,
        type: c.type,
        reason: str(c.reason) ?? '',
        message: str(c.message) ?? '',
        ...(concerns === undefined ? {} : { concerns }),
      });
    }
  }
  return found;
}
