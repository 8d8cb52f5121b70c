// What an object page shows around the object: its status conditions, the policies in
// force on it and where each attaches, and the data planes it reaches. Reading status
// and targetRefs is shared with the other views (src/object-status.ts,
// src/policy-targets.ts); what is particular here: routes get the policies of their
// parents, Workloads those of their Service, and everything the Mesh-targeted ones.
import type { ApiObject, ProxyInfo } from '@crossway/client';
import {
  isFailing,
  list,
  record,
  statusBlocks,
  str,
  type Condition,
  type Rec,
} from '../../object-status';
import {
  isPolicyKind,
  isRouteKind,
  meshScopeOf,
  POLICY_KINDS,
  ROUTE_KINDS,
  targetRefOf,
  targetsObject,
} from '../../policy-targets';

export { isFailing, POLICY_KINDS, type Condition };

/** Kinds that policies can reach (directly, through a parent or through the Mesh). */
const TRAFFIC_KINDS = new Set<string>(['Gateway', 'Service', 'Workload', ...ROUTE_KINDS]);

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** One block of conditions: per parent (routes), per ancestor (policies) or the object's own. */
export interface ConditionGroup {
  title: string;
  ref?: ObjectRef;
  conditions: Condition[];
}

function refOf(value: unknown, defaultKind: string, defaultNamespace?: string): ObjectRef {
  const r: Rec = record(value);
  const namespace = str(r['namespace']) ?? defaultNamespace;
  return {
    kind: str(r['kind']) ?? defaultKind,
    name: str(r['name']) ?? '?',
    ...(namespace === undefined ? {} : { namespace }),
  };
}

function describeRef(ref: ObjectRef, section?: string): string {
  const where = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return `${ref.kind} ${where}${section ? ` (${section})` : ''}`;
}

export function conditionGroups(object: ApiObject): ConditionGroup[] {
  const ns = object.metadata.namespace;
  const groups: ConditionGroup[] = [];
  for (const block of statusBlocks(object)) {
    if (block.source === 'parent') {
      const ref = refOf(block.ref, 'Gateway', ns);
      const section =
        str(block.ref['sectionName']) ??
        (block.ref['port'] === undefined ? undefined : `port ${String(block.ref['port'])}`);
      groups.push({
        title: `Parent ${describeRef(ref, section)}`,
        ref,
        conditions: block.conditions,
      });
    } else if (block.source === 'ancestor') {
      const ref = refOf(block.ref, 'Mesh', ns);
      groups.push({
        title: `Ancestor ${describeRef(ref, str(block.ref['sectionName']))}`,
        ...(ref.kind === 'Mesh' ? {} : { ref }),
        conditions: block.conditions,
      });
    } else if (block.conditions.length > 0) {
      groups.push({ title: 'Conditions', conditions: block.conditions });
    }
  }
  return groups;
}

/** A list row's status: "Accepted" when nothing fails, else the first failing reason. */
export function statusSummary(object: ApiObject): {
  text: string;
  tone: 'ok' | 'warn' | 'bad' | '';
} {
  const all = conditionGroups(object).flatMap((g) => g.conditions);
  if (all.length === 0) return { text: 'no status', tone: '' };
  const failing = all.find(isFailing);
  if (!failing) return { text: 'Accepted', tone: 'ok' };
  return {
    text: failing.reason ?? `${failing.type}=${failing.status}`,
    tone: failing.status === 'Unknown' ? 'warn' : 'bad',
  };
}

export interface PolicyInForce {
  policy: ApiObject;
  /** "attached here" or "inherited from Gateway edge/public". */
  source: string;
  /** The object it attaches to, when not this one (a link). */
  via?: ObjectRef;
  /** Listener, port or rule the policy is limited to. */
  section?: string;
}

interface Holder {
  ref: ObjectRef;
  /** Undefined for the object itself. */
  source?: string;
}

/** The objects whose policies reach `object`: itself, its parents or Service, the Mesh. */
function holdersOf(object: ApiObject): Holder[] {
  const ns = object.metadata.namespace;
  const spec = record(object.spec);
  const holders: Holder[] = [
    { ref: { kind: object.kind, name: object.metadata.name, ...(ns ? { namespace: ns } : {}) } },
  ];
  if (isRouteKind(object.kind)) {
    const seen = new Set<string>();
    for (const raw of list(spec['parentRefs'])) {
      const ref = refOf(raw, 'Gateway', ns);
      const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      holders.push({ ref, source: `inherited from ${describeRef(ref)}` });
    }
  }
  if (object.kind === 'Workload' && typeof spec['service'] === 'string' && ns) {
    const ref = { kind: 'Service', namespace: ns, name: spec['service'] };
    holders.push({ ref, source: `inherited from ${describeRef(ref)}` });
  }
  return holders;
}

/** The policies (of `policies`, every kind) in force on `object`, nearest first. */
export function policiesInForce(
  object: ApiObject,
  policies: readonly ApiObject[],
): PolicyInForce[] {
  if (!TRAFFIC_KINDS.has(object.kind)) return [];
  const found: PolicyInForce[] = [];
  for (const holder of holdersOf(object)) {
    for (const policy of policies) {
      if (targetsObject(policy, holder.ref)) {
        const section = targetRefOf(policy).sectionName;
        found.push({
          policy,
          source: holder.source ?? 'attached here',
          ...(holder.source === undefined ? {} : { via: holder.ref }),
          ...(section === undefined ? {} : { section }),
        });
      }
    }
  }
  // Mesh-targeted policies: those of this namespace, then the mesh-wide ones.
  const ns = object.metadata.namespace;
  for (const policy of policies) {
    const scope = meshScopeOf(policy);
    if (scope === 'mesh-wide')
      found.push({ policy, source: 'inherited from the Mesh (mesh-wide)' });
    else if (scope === 'namespace' && policy.metadata.namespace === ns)
      found.push({ policy, source: `inherited from the Mesh (namespace ${ns})` });
  }
  return found;
}

/** The policy's own target, for a policy page. */
export function policyTarget(policy: ApiObject): ObjectRef | undefined {
  const { kind, name } = targetRefOf(policy);
  if (!kind || !name) return undefined;
  if (kind === 'Mesh') return { kind, name };
  return {
    kind,
    name,
    ...(policy.metadata.namespace ? { namespace: policy.metadata.namespace } : {}),
  };
}

export interface AffectedProxy {
  proxy: ProxyInfo;
  /** Why it is listed: "edge of Gateway edge/public" or "NACKed this object". */
  why: string;
  nacked: boolean;
}

/** The Gateways and Services whose data planes run this object's config. */
export function proxyTargets(object: ApiObject): ObjectRef[] {
  const ns = object.metadata.namespace;
  const spec = record(object.spec);
  if (object.kind === 'Gateway' || object.kind === 'Service')
    return [{ kind: object.kind, name: object.metadata.name, ...(ns ? { namespace: ns } : {}) }];
  if (isRouteKind(object.kind))
    return holdersOf(object)
      .slice(1)
      .map((h) => h.ref);
  if (object.kind === 'Workload' && typeof spec['service'] === 'string' && ns)
    return [{ kind: 'Service', namespace: ns, name: spec['service'] }];
  if (isPolicyKind(object.kind)) {
    const target = policyTarget(object);
    if (!target) return [];
    if (target.kind === 'Gateway' || target.kind === 'Service') return [target];
    return [];
  }
  return [];
}

function nackNames(proxy: ProxyInfo, object: ApiObject): boolean {
  const key = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  return list(proxy.nack?.objects).some((raw) => {
    // The control plane names objects as "Kind ns/name"; an object form is accepted too.
    if (typeof raw === 'string') return raw === key;
    const o = record(raw);
    return (
      o['kind'] === object.kind &&
      o['name'] === object.metadata.name &&
      (str(o['namespace']) ?? '') === (object.metadata.namespace ?? '')
    );
  });
}

export function affectedProxies(object: ApiObject, proxies: readonly ProxyInfo[]): AffectedProxy[] {
  const targets = proxyTargets(object);
  const out: AffectedProxy[] = [];
  for (const proxy of proxies) {
    const nacked = nackNames(proxy, object);
    const target = targets.find(
      (t) =>
        (t.kind === 'Gateway' && proxy.gateway === `${t.namespace}/${t.name}`) ||
        (t.kind === 'Service' && proxy.service === `${t.namespace}/${t.name}`),
    );
    if (nacked) out.push({ proxy, why: 'rejected config from this object', nacked });
    else if (target) out.push({ proxy, why: `${proxy.role} of ${describeRef(target)}`, nacked });
  }
  return out;
}

/** "/preview?role=edge&gateway=ns/name" for a target without connected data planes. */
export function previewHref(target: ObjectRef): string | undefined {
  const key = `${target.namespace}/${target.name}`;
  if (target.kind === 'Gateway') return `/preview?role=edge&gateway=${encodeURIComponent(key)}`;
  if (target.kind === 'Service') return `/preview?role=sidecar&service=${encodeURIComponent(key)}`;
  return undefined;
}

export { describeRef };
