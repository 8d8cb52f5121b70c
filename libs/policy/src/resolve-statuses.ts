// Assembles the status of every stored object from the conditions each resolver
// produced, stamped with the object's generation. Sorted by kind/namespace/name.
import type { ObjectStatus } from '@crossway/model';
import type { PolicyOutcome } from './attachment/policy-candidates';
import { compareStrings, uniqueSorted } from './common/compare';
import { REASONS, stampConditions, trueCondition, type ConditionDraft } from './common/conditions';
import { idKey, nsName, type ObjectId } from './common/ids';
import type { ObjectIndex, Stored, StoredMeta } from './common/object-index';
import { gatewayConditions, type GatewayDraft } from './core/resolve-gateways';
import type { ServiceDraft } from './core/resolve-services';
import type { ObjectStatusEntry } from './resolved-types';
import type { RouteDraft } from './routes/resolve-routes';
import type { ShadowFinding } from './routes/resolve-shadowing';

export interface StatusInputs {
  index: ObjectIndex;
  services: ReadonlyMap<string, ServiceDraft>;
  workloadConditions: ReadonlyMap<string, ConditionDraft[]>;
  gateways: ReadonlyMap<string, GatewayDraft>;
  /** "namespace/name/listener" → routes attached. */
  attachedRoutes: ReadonlyMap<string, number>;
  routes: readonly RouteDraft[];
  shadows: readonly ShadowFinding[];
  policies: readonly PolicyOutcome[];
}

function entry(id: ObjectId, status: ObjectStatus): { key: string; value: ObjectStatusEntry } {
  const value: ObjectStatusEntry = { kind: id.kind, name: id.name, status };
  if (id.namespace !== undefined) value.namespace = id.namespace;
  return { key: idKey(id), value };
}

/**
 * What PERMISSIVE means for proxyless gRPC servers (the contract: reported on Mesh
 * status): gRPC cannot accept plain and mTLS on one port.
 */
function meshNote(mesh: Stored<'Mesh'>): string {
  if (mesh.spec.mtls.mode !== 'PERMISSIVE') return '';
  return (
    '. mTLS PERMISSIVE: sidecars accept plain and mTLS; proxyless gRPC servers act as STRICT ' +
    'when their bootstrap has the crossway-identity and crossway-roots certificate providers, ' +
    'and as DISABLED without them'
  );
}

function simple(stored: StoredMeta<'Mesh' | 'Secret' | 'ReferenceGrant'>, what: string, note = '') {
  const id: ObjectId =
    stored.kind === 'Mesh'
      ? { kind: stored.kind, name: stored.name }
      : { kind: stored.kind, namespace: stored.namespace, name: stored.name };
  const conditions = [trueCondition('Accepted', REASONS.Accepted, `${what} accepted${note}`)];
  return entry(id, { conditions: stampConditions(conditions, stored.generation) });
}

function shadowConditions(shadows: readonly ShadowFinding[]): Map<string, ConditionDraft> {
  const messages = new Map<string, string[]>();
  for (const s of shadows) {
    const key = `${s.route.kind}/${s.route.namespace}/${s.route.name}|${s.parentRef}`;
    messages.set(key, [...(messages.get(key) ?? []), s.message]);
  }
  const result = new Map<string, ConditionDraft>();
  for (const [key, list] of messages)
    result.set(key, trueCondition('RuleShadowed', REASONS.Shadowed, uniqueSorted(list).join('; ')));
  return result;
}

export function resolveStatuses(inputs: StatusInputs): ObjectStatusEntry[] {
  const { index } = inputs;
  const out: { key: string; value: ObjectStatusEntry }[] = [];
  if (index.mesh) out.push(simple(index.mesh, 'Mesh', meshNote(index.mesh)));
  for (const secret of index.secrets.values()) out.push(simple(secret, 'Secret'));
  for (const grant of index.grants) out.push(simple(grant, 'ReferenceGrant'));

  for (const draft of inputs.services.values()) {
    const { stored } = draft;
    out.push(
      entry(
        { kind: 'Service', namespace: stored.namespace, name: stored.name },
        { conditions: stampConditions(draft.conditions, stored.generation) },
      ),
    );
  }
  for (const workload of index.workloads) {
    const conditions = inputs.workloadConditions.get(nsName(workload)) ?? [];
    out.push(
      entry(
        { kind: 'Workload', namespace: workload.namespace, name: workload.name },
        { conditions: stampConditions(conditions, workload.generation) },
      ),
    );
  }
  for (const draft of inputs.gateways.values()) {
    const { stored } = draft;
    const listeners = draft.listeners.map((l) => ({
      name: l.name,
      attachedRoutes: inputs.attachedRoutes.get(`${nsName(stored)}/${l.name}`) ?? 0,
      supportedKinds: l.allowedKinds.map((kind) => ({ kind })),
      conditions: stampConditions(l.conditions, stored.generation),
    }));
    out.push(
      entry(
        { kind: 'Gateway', namespace: stored.namespace, name: stored.name },
        { conditions: stampConditions(gatewayConditions(draft), stored.generation), listeners },
      ),
    );
  }

  const shadows = shadowConditions(inputs.shadows);
  for (const draft of inputs.routes) {
    const { stored, route } = draft;
    const parents = route.parents.map((parent, i) => {
      const drafts: ConditionDraft[] = [];
      const accepted = draft.accepted[i];
      if (accepted) drafts.push(accepted);
      drafts.push(draft.resolvedRefs);
      const shadow = shadows.get(`${stored.kind}/${stored.namespace}/${stored.name}|${i}`);
      if (shadow) drafts.push(shadow);
      return {
        parentRef: parent.parentRef,
        conditions: stampConditions(drafts, stored.generation),
      };
    });
    out.push(
      entry({ kind: stored.kind, namespace: stored.namespace, name: stored.name }, { parents }),
    );
  }

  for (const policy of inputs.policies) {
    const ancestors = [
      {
        ancestorRef: policy.ancestorRef,
        conditions: stampConditions(policy.conditions, policy.generation),
      },
    ];
    out.push(entry({ ...policy.id }, { ancestors }));
  }
  return out.sort((a, b) => compareStrings(a.key, b.key)).map((e) => e.value);
}
