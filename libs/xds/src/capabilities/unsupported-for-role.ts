// Which stored objects ask a data-plane role for something it cannot enforce,
// read from that role's capability table: routes through the parents the role
// serves, policies on the targets the role enforces. Pure.
import type { ResolvedPolicy, ResolvedRoute } from '@crossway/policy';
import type { DataPlaneRole } from '../ir/common-ir';
import type { CapabilityTable, UnsupportedFinding } from './capability-types';
import { trafficPolicyFeatures } from './policy-features';
import { ROLE_CAPABILITIES } from './role-capabilities';
import { ruleFeatures, type FeatureUse, type SpecFilterTypes } from './route-features';

/** A stored object, as much of it as the filter indexes need. */
export interface SourceObject {
  kind: string;
  metadata: { namespace?: string | undefined; name: string };
  spec: unknown;
}

export interface UnsupportedOptions {
  /** Only what these Services' data planes see ("ns/name"): routes with such a parent, policies on them or on Mesh. */
  services?: readonly string[];
  /** The stored objects, for exact filter indexes in paths. */
  sources?: readonly SourceObject[];
}

const MESH_ROLES: ReadonlySet<DataPlaneRole> = new Set(['sidecar', 'proxyless']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function specFilterTypes(
  sources: readonly SourceObject[] | undefined,
  route: ResolvedRoute,
  ruleIndex: number,
): SpecFilterTypes | undefined {
  const source = sources?.find(
    (s) =>
      s.kind === route.kind &&
      s.metadata.name === route.name &&
      (s.metadata.namespace ?? 'default') === route.namespace,
  );
  if (!source || !isRecord(source.spec) || !Array.isArray(source.spec['rules'])) return undefined;
  const rule: unknown = source.spec['rules'][ruleIndex];
  if (!isRecord(rule) || !Array.isArray(rule['filters'])) return [];
  return rule['filters'].map((f: unknown) =>
    isRecord(f) && typeof f['type'] === 'string' ? f['type'] : '',
  );
}

function findingsOf(
  table: CapabilityTable,
  role: DataPlaneRole,
  object: { kind: string; namespace: string; name: string },
  uses: readonly FeatureUse[],
  parentRef?: UnsupportedFinding['parentRef'],
): UnsupportedFinding[] {
  return uses.flatMap((use) => {
    const capability = table[use.feature];
    if (capability.support === 'supported') return [];
    const finding: UnsupportedFinding = {
      ...object,
      path: use.path,
      role,
      feature: use.feature,
      support: capability.support,
      message: `${use.path}: ${role} data planes cannot enforce ${use.feature} (${capability.support}: ${capability.note})`,
    };
    if (parentRef) finding.parentRef = parentRef;
    return [finding];
  });
}

function routeFindings(
  resolved: ResolvedPolicy,
  role: DataPlaneRole,
  inScope: (service: string) => boolean,
  sources: readonly SourceObject[] | undefined,
): UnsupportedFinding[] {
  const table = ROLE_CAPABILITIES[role];
  return resolved.routes.flatMap((route) => {
    const object = { kind: route.kind, namespace: route.namespace, name: route.name };
    return route.parents.flatMap((parent) => {
      const seen = MESH_ROLES.has(role)
        ? parent.servicePorts.some((p) => inScope(`${p.service.namespace}/${p.service.name}`))
        : parent.listeners.length > 0;
      if (!parent.accepted || !seen) return [];
      const parentRef = { ...parent.parentRef };
      if (route.kind === 'TCPRoute' || route.kind === 'TLSRoute')
        return findingsOf(table, role, object, [{ feature: route.kind, path: 'spec' }], parentRef);
      const kind = route.kind;
      const uses = route.rules.flatMap((rule) =>
        ruleFeatures(kind, rule, specFilterTypes(sources, route, rule.index)),
      );
      return findingsOf(table, role, object, uses, parentRef);
    });
  });
}

/** Does a policy on `target` reach this role's data planes? */
function policyReaches(
  target: { kind: string; namespace?: string; name?: string },
  role: DataPlaneRole,
  inScope: (service: string) => boolean,
  routeInScope: (kind: string, namespace: string, name: string) => boolean,
): boolean {
  if (target.kind === 'Mesh') return true;
  if (target.kind === 'Gateway') return role === 'edge';
  const key = `${target.namespace ?? ''}/${target.name ?? ''}`;
  if (target.kind === 'Service') return role === 'edge' || inScope(key);
  return routeInScope(target.kind, target.namespace ?? '', target.name ?? '');
}

/** Every field of every object the role's data planes see but cannot enforce, sorted by object and path. */
export function unsupportedForRole(
  resolved: ResolvedPolicy,
  role: DataPlaneRole,
  options: UnsupportedOptions = {},
): UnsupportedFinding[] {
  const scope = options.services ? new Set(options.services) : undefined;
  const inScope = (service: string): boolean => !scope || scope.has(service);
  const table = ROLE_CAPABILITIES[role];
  const routeFound = routeFindings(resolved, role, inScope, options.sources);
  const routeInScope = (kind: string, namespace: string, name: string): boolean =>
    resolved.routes.some(
      (r) =>
        r.kind === kind &&
        r.namespace === namespace &&
        r.name === name &&
        r.parents.some((p) =>
          MESH_ROLES.has(role)
            ? p.servicePorts.some((s) => inScope(`${s.service.namespace}/${s.service.name}`))
            : p.listeners.length > 0,
        ),
    );
  const reaches = (target: { kind: string; namespace?: string; name?: string }): boolean =>
    policyReaches(target, role, inScope, routeInScope);
  const policyFound = [
    ...resolved.trafficPolicies
      .filter((p) => reaches(p.target))
      .flatMap((p) => findingsOf(table, role, p.policy, trafficPolicyFeatures(p.fields))),
    ...resolved.authorizationPolicies
      .filter((p) => reaches(p.target))
      .flatMap((p) =>
        findingsOf(table, role, p.policy, [{ feature: 'AuthorizationPolicy', path: 'spec' }]),
      ),
    ...resolved.authenticationPolicies
      .filter((p) => reaches(p.target))
      .flatMap((p) =>
        findingsOf(table, role, p.policy, [{ feature: 'AuthenticationPolicy', path: 'spec' }]),
      ),
    ...resolved.rateLimitPolicies
      .filter((p) => reaches(p.target))
      .flatMap((p) =>
        findingsOf(table, role, p.policy, [{ feature: 'RateLimitPolicy', path: 'spec' }]),
      ),
  ];
  return [...routeFound, ...policyFound].sort(compareFindings);
}

function key(f: UnsupportedFinding): string {
  const parent = f.parentRef
    ? `${f.parentRef.kind}/${f.parentRef.namespace ?? ''}/${f.parentRef.name}/${f.parentRef.sectionName ?? ''}/${f.parentRef.port ?? ''}`
    : '';
  return `${f.kind}\u0000${f.namespace}\u0000${f.name}\u0000${parent}\u0000${f.path}`;
}

function compareFindings(a: UnsupportedFinding, b: UnsupportedFinding): number {
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** What one proxyless node sees: the Services it has client Listeners for, and its own. */
export function proxylessScope(ir: {
  service?: { namespace: string; name: string };
  clients: readonly { service: { namespace: string; name: string } }[];
}): string[] {
  const services = new Set(ir.clients.map((c) => `${c.service.namespace}/${c.service.name}`));
  if (ir.service) services.add(`${ir.service.namespace}/${ir.service.name}`);
  return [...services].sort();
}
