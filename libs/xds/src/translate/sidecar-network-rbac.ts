// AuthorizationPolicies on a sidecar's TCP or TLS inbound port, enforced at L4 with
// the network RBAC filter, from the same authorization IR the HTTP rbac filter uses
// (SPIFFE principals for mesh identities, peer IP blocks). Never fails open: a DENY
// rule that needs L7 (methods, paths, hosts, `when` headers, JWT claims) denies the
// whole port; an ALLOW rule that needs L7 can never match at L4 and grants nothing.
import type { JsonObject } from '@crossway/protos';
import type { IrAuthorization, IrAuthzRule } from '../ir/http-filter-ir';
import type { SidecarInbound } from '../ir/sidecar-ir';
import { sourcePrincipal } from './filters/rbac';
import { anyOf } from './resources';

function needsL7(rule: IrAuthzRule): boolean {
  return (
    (rule.when?.length ?? 0) > 0 ||
    (rule.from ?? []).some((f) => f.claims !== undefined) ||
    (rule.to ?? []).some(
      (t) => t.methods !== undefined || t.paths !== undefined || t.hosts !== undefined,
    )
  );
}

/** `to.ports` may name the Service port or the port peers dial; other ports are other listeners. */
function appliesToPort(rule: IrAuthzRule, inbound: SidecarInbound): boolean {
  if (!rule.to) return true;
  return rule.to.some(
    (t) =>
      t.ports === undefined ||
      t.ports.includes(inbound.servicePort) ||
      t.ports.includes(inbound.port),
  );
}

function rulePolicy(rule: IrAuthzRule): JsonObject {
  return {
    permissions: [{ any: true }],
    principals: rule.from ? rule.from.map((f) => sourcePrincipal(f, 'Peer')) : [{ any: true }],
  };
}

const DENY_ALL: JsonObject = { permissions: [{ any: true }], principals: [{ any: true }] };

function rbacFilter(
  action: 'ALLOW' | 'DENY',
  policies: JsonObject,
  statPrefix: string,
): JsonObject {
  return {
    name: 'envoy.filters.network.rbac',
    typed_config: anyOf('envoy.extensions.filters.network.rbac.v3.RBAC', {
      stat_prefix: statPrefix,
      rules: { action, policies },
    }),
  };
}

/** The network RBAC filters (DENY first, then ALLOW) for one TCP/TLS inbound port; none when all is allowed. */
export function networkRbacFilters(
  authz: IrAuthorization | undefined,
  inbound: SidecarInbound,
): JsonObject[] {
  if (!authz) return [];
  const statPrefix = `${inbound.name.replaceAll('/', '.')}.`;
  const filters: JsonObject[] = [];
  const denies: JsonObject = {};
  for (const rule of authz.deny)
    if (appliesToPort(rule, inbound))
      denies[rule.name] = needsL7(rule) ? DENY_ALL : rulePolicy(rule);
  if (Object.keys(denies).length > 0) filters.push(rbacFilter('DENY', denies, statPrefix));
  if (authz.allow) {
    // Some ALLOW applies (or the mesh default denies): only matching L4 rules admit.
    const allows: JsonObject = {};
    for (const rule of authz.allow)
      if (!needsL7(rule) && appliesToPort(rule, inbound)) allows[rule.name] = rulePolicy(rule);
    filters.push(rbacFilter('ALLOW', allows, statPrefix));
  }
  return filters;
}
