// AuthorizationPolicies attached to a receiver as authorization IR: DENY rules,
// then the ALLOW set (or a deny-all when the default is DENY). Mesh identities
// become SPIFFE principals; what this role can never see matches nothing, and what
// it cannot evaluate widens a DENY and empties an ALLOW (never fail open).
import {
  authorizationFor,
  serviceIndex,
  type AuthorizationEntry,
  type AuthorizationRule,
  type ReceiverTarget,
  type ResolvedPolicy,
} from '@crossway/policy';
import type { DataPlaneRole } from '../common-ir';
import type {
  IrAuthorization,
  IrAuthzOperation,
  IrAuthzRule,
  IrAuthzSource,
  IrPrincipalMatch,
} from '../http-filter-ir';
import { patternToIr } from './patterns';

type Source = NonNullable<AuthorizationRule['from']>[number];

interface AuthzContext {
  resolved: ResolvedPolicy;
  role: DataPlaneRole;
  trustDomain: string;
  ports?: { service: number; listening: readonly number[] } | undefined;
}

function qualified(entry: string, policyNamespace: string): { namespace: string; name: string } {
  const [first = '', second] = entry.split('/');
  return second === undefined
    ? { namespace: policyNamespace, name: first }
    : { namespace: first, name: second };
}

function spiffe(ctx: AuthzContext, namespace: string, kind: 'sa' | 'gateway', name: string) {
  return `spiffe://${ctx.trustDomain}/ns/${namespace}/${kind}/${name}`;
}

/** Principal tests for one identity field, or undefined when no caller can match it. */
function principalsOf(
  source: Source,
  ctx: AuthzContext,
  policyNamespace: string,
): { lists: IrPrincipalMatch[][]; never: boolean } {
  const lists: IrPrincipalMatch[][] = [];
  let never = false;
  const add = (list: IrPrincipalMatch[]) => {
    if (list.length === 0) never = true;
    lists.push(list);
  };
  if (source.serviceAccounts)
    add(
      source.serviceAccounts.map((e) => {
        const { namespace, name } = qualified(e, policyNamespace);
        return { kind: 'Exact', value: spiffe(ctx, namespace, 'sa', name) };
      }),
    );
  if (source.services)
    add(
      source.services.flatMap((e): IrPrincipalMatch[] => {
        const { namespace, name } = qualified(e, policyNamespace);
        const service = serviceIndex(ctx.resolved).get(`${namespace}/${name}`);
        // A Service that does not exist has no identity: no caller is it.
        return service
          ? [{ kind: 'Exact', value: spiffe(ctx, namespace, 'sa', service.serviceAccount) }]
          : [];
      }),
    );
  if (source.gateways)
    add(
      source.gateways.map((e) => {
        const { namespace, name } = qualified(e, policyNamespace);
        return { kind: 'Exact', value: spiffe(ctx, namespace, 'gateway', name) };
      }),
    );
  if (source.spiffeIds) add(source.spiffeIds.map((value) => ({ kind: 'Exact', value })));
  if (source.namespaces)
    add(
      source.namespaces.map((n) => ({
        kind: 'Prefix',
        value: `spiffe://${ctx.trustDomain}/ns/${n}/`,
      })),
    );
  return { lists, never };
}

function hasMeshIdentity(source: Source): boolean {
  return (
    source.serviceAccounts !== undefined ||
    source.services !== undefined ||
    source.gateways !== undefined ||
    source.spiffeIds !== undefined ||
    source.namespaces !== undefined
  );
}

function buildSource(
  source: Source,
  ctx: AuthzContext,
  action: 'ALLOW' | 'DENY',
  policyNamespace: string,
): IrAuthzSource {
  const result: IrAuthzSource = {};
  // An edge's clients have no mesh identity (evaluateAuthorization agrees).
  if (ctx.role === 'edge' && hasMeshIdentity(source)) result.never = true;
  const { lists, never } = principalsOf(source, ctx, policyNamespace);
  if (never) result.never = true;
  if (lists.length > 0) result.principals = lists;
  if (source.ipBlocks) result.ipBlocks = [...source.ipBlocks];
  if (source.jwtClaims) {
    // A proxyless server verifies no JWT: the claims cannot be evaluated there.
    if (ctx.role === 'proxyless') {
      if (action === 'ALLOW') result.never = true;
    } else result.claims = source.jwtClaims.map((c) => ({ name: c.name, values: [...c.values] }));
  }
  return result;
}

/** `to.ports` name Service ports; where peers dial another port for it, that port matches too. */
function operationPorts(ports: readonly number[], ctx: AuthzContext): number[] {
  const aliases = ctx.ports && ports.includes(ctx.ports.service) ? ctx.ports.listening : [];
  return [...new Set([...ports, ...aliases])].sort((a, b) => a - b);
}

function buildOperation(
  op: NonNullable<AuthorizationRule['to']>[number],
  ctx: AuthzContext,
): IrAuthzOperation {
  const result: IrAuthzOperation = {};
  if (op.ports) result.ports = operationPorts(op.ports, ctx);
  if (op.methods) result.methods = [...op.methods];
  if (op.paths) result.paths = op.paths.map(patternToIr);
  if (op.hosts) result.hosts = [...op.hosts];
  return result;
}

function buildRules(
  entries: readonly AuthorizationEntry[],
  ctx: AuthzContext,
  action: 'ALLOW' | 'DENY',
): IrAuthzRule[] {
  return entries.flatMap((entry) =>
    entry.rules.map((rule, i): IrAuthzRule => {
      const { namespace, name } = entry.policy;
      const result: IrAuthzRule = { name: `authorizationpolicy/${namespace}/${name}/rule/${i}` };
      if (rule.from) result.from = rule.from.map((s) => buildSource(s, ctx, action, namespace));
      if (rule.to) result.to = rule.to.map((op) => buildOperation(op, ctx));
      if (rule.when)
        result.when = rule.when.map((w) => ({
          header: w.header.toLowerCase(),
          ...(w.values ? { values: w.values.map(patternToIr) } : {}),
          ...(w.notValues ? { notValues: w.notValues.map(patternToIr) } : {}),
        }));
      return result;
    }),
  );
}

export function buildAuthorizationIr(
  resolved: ResolvedPolicy,
  role: DataPlaneRole,
  target: ReceiverTarget,
  ports?: { service: number; listening: readonly number[] },
): IrAuthorization | undefined {
  const set = authorizationFor(resolved, target);
  const ctx: AuthzContext = {
    resolved,
    role,
    trustDomain: resolved.mesh.spec.trustDomain,
    ports,
  };
  const deny = buildRules(set.denies, ctx, 'DENY');
  const result: IrAuthorization = { deny, clientIp: role === 'edge' ? 'Forwarded' : 'Peer' };
  if (set.allows.length > 0) result.allow = buildRules(set.allows, ctx, 'ALLOW');
  else if (set.default === 'DENY') result.allow = [];
  if (deny.length === 0 && result.allow === undefined) return undefined;
  return result;
}
