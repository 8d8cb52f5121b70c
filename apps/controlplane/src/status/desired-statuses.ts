// The status every stored object should have now: the policy layer's status merged
// with UnsupportedForRole findings of all three roles, plus for Gateways and
// Services a Programmed condition and dataPlanes counts from the proxy registry,
// plus Programmed=False (RejectedByDataPlane) on every object a data plane's NACK
// names. No lastTransitionTime yet (transition-times.ts adds it). Pure.
import type { Condition, ConditionStatus, ObjectStatus } from '@crossway/model';
import { REASONS } from '@crossway/policy';
import type { ObjectId } from '@crossway/store';
import { mergeUnsupportedForRole, unsupportedForRole } from '@crossway/xds';
import type { DataPlaneRole } from '../contracts';
import type { ResolvedPolicyView } from '../snapshots/index';
import type { DataPlaneCounts, DataPlaneReport, NackReport } from './data-plane-report';

export interface DesiredStatus {
  id: ObjectId;
  /** "Kind ns/name" ("Kind name" when cluster-scoped), as NACK reports name objects. */
  key: string;
  status: ObjectStatus;
}

const ROLES: readonly DataPlaneRole[] = ['edge', 'sidecar', 'proxyless'];
/** NACK error text kept in a condition message. */
const MAX_ERROR_CHARS = 300;

export function objectKey(o: { kind: string; namespace?: string | undefined; name: string }) {
  return o.namespace === undefined ? `${o.kind} ${o.name}` : `${o.kind} ${o.namespace}/${o.name}`;
}

function truncate(text: string): string {
  return text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS)}…`;
}

function condition(
  status: ConditionStatus,
  reason: string,
  message: string,
  generation: number | undefined,
): Condition {
  const c: Condition = { type: 'Programmed', status, reason, message };
  if (generation !== undefined) c.observedGeneration = generation;
  return c;
}

function rejectedMessage(nacks: readonly NackReport[]): string {
  const [first] = nacks;
  if (!first) return '';
  const more = nacks.length > 1 ? ` (and ${nacks.length - 1} more data planes)` : '';
  return `Rejected by data plane ${first.proxy} (${first.type})${more}: ${truncate(first.error)}`;
}

function programmed(
  counts: DataPlaneCounts,
  nacks: readonly NackReport[] | undefined,
  generation: number | undefined,
): Condition {
  const total = counts.acked + counts.nacked + counts.pending;
  if (nacks && nacks.length > 0)
    return condition('False', REASONS.RejectedByDataPlane, rejectedMessage(nacks), generation);
  if (counts.nacked > 0)
    return condition(
      'False',
      REASONS.RejectedByDataPlane,
      `${counts.nacked} of ${total} data planes rejected their config`,
      generation,
    );
  if (total === 0)
    return condition('Unknown', REASONS.Pending, 'No data plane connected', generation);
  if (counts.pending > 0)
    return condition(
      'False',
      REASONS.Pending,
      `${counts.pending} of ${total} data planes have not acknowledged their config yet`,
      generation,
    );
  return condition(
    'True',
    REASONS.Programmed,
    `All ${total} data planes run their config`,
    generation,
  );
}

export function desiredStatuses(
  view: ResolvedPolicyView,
  report: DataPlaneReport,
): DesiredStatus[] {
  const findings = ROLES.flatMap((role) =>
    unsupportedForRole(view.resolved, role, { sources: view.objects }),
  );
  const merged = mergeUnsupportedForRole(view.resolved.statuses, findings);
  const generations = new Map<string, number | undefined>(
    view.objects.map((o) => [
      objectKey({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }),
      o.metadata.generation,
    ]),
  );
  return merged.map((entry) => {
    const key = objectKey(entry);
    const generation = generations.get(key);
    const status: ObjectStatus = { ...entry.status };
    const nacks = report.nacks.get(key);
    if (entry.kind === 'Gateway' || entry.kind === 'Service') {
      const counts = report.counts.get(key) ?? { acked: 0, nacked: 0, pending: 0 };
      status.conditions = [
        ...(status.conditions ?? []).filter((c) => c.type !== 'Programmed'),
        programmed(counts, nacks, generation),
      ];
      status.dataPlanes = { ...counts };
    } else if (nacks && nacks.length > 0) {
      status.conditions = [
        ...(status.conditions ?? []).filter((c) => c.type !== 'Programmed'),
        condition('False', REASONS.RejectedByDataPlane, rejectedMessage(nacks), generation),
      ];
    }
    const id: ObjectId = { kind: entry.kind as ObjectId['kind'], name: entry.name };
    if (entry.namespace !== undefined) id.namespace = entry.namespace;
    return { id, key, status };
  });
}
