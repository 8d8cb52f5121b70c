// Authorization as Envoy RBAC: one filter does one action, so DENY rules go into
// a DENY filter and the ALLOW set into an ALLOW filter after it (both in the rbac
// slot of HTTP_FILTER_ORDER). Each model rule is one RBAC policy named after it:
// principals = its `from` entries (any), permissions = its `to` entries (any)
// AND every `when` condition.
import type { JsonObject } from '@crossway/protos';
import type {
  IrAuthorization,
  IrAuthzCondition,
  IrAuthzOperation,
  IrAuthzRule,
  IrAuthzSource,
  IrPatternMatch,
  IrPrincipalMatch,
} from '../../ir/http-filter-ir';
import { anyOf } from '../resources';
import { escapeRegex } from './percent';

export const RBAC_TYPE = 'envoy.extensions.filters.http.rbac.v3.RBAC';
export const RBAC_DENY_FILTER = 'envoy.filters.http.rbac.deny';
export const RBAC_ALLOW_FILTER = 'envoy.filters.http.rbac.allow';
/** Where jwt_authn leaves a verified token's payload, for claim matches. */
export const JWT_FILTER = 'envoy.filters.http.jwt_authn';
export const JWT_PAYLOAD_KEY = 'jwt_payload';

function anyOfIds(ids: JsonObject[]): JsonObject {
  return ids.length === 1 && ids[0] ? ids[0] : { or_ids: { ids } };
}

function allOfIds(ids: JsonObject[]): JsonObject {
  if (ids.length === 0) return { any: true };
  return ids.length === 1 && ids[0] ? ids[0] : { and_ids: { ids } };
}

function anyOfRules(rules: JsonObject[]): JsonObject {
  return rules.length === 1 && rules[0] ? rules[0] : { or_rules: { rules } };
}

function allOfRules(rules: JsonObject[]): JsonObject {
  if (rules.length === 0) return { any: true };
  return rules.length === 1 && rules[0] ? rules[0] : { and_rules: { rules } };
}

function principalName(match: IrPrincipalMatch): JsonObject {
  const matcher = match.kind === 'Exact' ? { exact: match.value } : { prefix: match.value };
  return { authenticated: { principal_name: matcher } };
}

export function cidrRange(block: string): JsonObject {
  const [address = '', bits] = block.split('/');
  const width = address.includes(':') ? 128 : 32;
  return { address_prefix: address, prefix_len: bits === undefined ? width : Number(bits) };
}

/** A claim holds a value as a string or inside a list (groups, scopes). */
function claimMatch(name: string, value: string): JsonObject[] {
  const paths = [name.split('.')];
  if (name.includes('.')) paths.push([name]);
  return paths.flatMap((keys) => {
    const base = {
      filter: JWT_FILTER,
      path: [JWT_PAYLOAD_KEY, ...keys].map((key) => ({ key })),
    };
    return [
      { metadata: { ...base, value: { string_match: { exact: value } } } },
      {
        metadata: {
          ...base,
          value: { list_match: { one_of: { string_match: { exact: value } } } },
        },
      },
    ];
  });
}

/** One `from` entry as an RBAC principal: every field must match, any value within a field. */
export function sourcePrincipal(
  source: IrAuthzSource,
  clientIp: IrAuthorization['clientIp'],
): JsonObject {
  if (source.never) return { not_id: { any: true } };
  const ids: JsonObject[] = [];
  for (const list of source.principals ?? []) ids.push(anyOfIds(list.map(principalName)));
  if (source.ipBlocks) {
    const field = clientIp === 'Forwarded' ? 'remote_ip' : 'direct_remote_ip';
    ids.push(anyOfIds(source.ipBlocks.map((b) => ({ [field]: cidrRange(b) }))));
  }
  for (const claim of source.claims ?? [])
    ids.push(anyOfIds(claim.values.flatMap((v) => claimMatch(claim.name, v))));
  return allOfIds(ids);
}

export function stringMatcher(pattern: IrPatternMatch): JsonObject | undefined {
  if (pattern.kind === 'Any') return undefined;
  if (pattern.kind === 'Exact') return { exact: pattern.value };
  if (pattern.kind === 'Prefix') return { prefix: pattern.value };
  return { suffix: pattern.value };
}

function headerRule(name: string, pattern: IrPatternMatch): JsonObject {
  const matcher = stringMatcher(pattern);
  return {
    header: matcher ? { name, string_match: matcher } : { name, present_match: true },
  };
}

/** A hostname pattern against :authority, with or without a port, case-insensitively. */
export function hostRegex(pattern: string): string {
  const host =
    pattern === '*'
      ? '[^:]+'
      : pattern.startsWith('*.')
        ? `[^:]+${escapeRegex(pattern.slice(1))}`
        : escapeRegex(pattern);
  return `(?i)${host}(:[0-9]+)?`;
}

function operationPermission(op: IrAuthzOperation): JsonObject {
  const parts: JsonObject[] = [];
  if (op.ports) parts.push(anyOfRules(op.ports.map((p) => ({ destination_port: p }))));
  if (op.methods)
    parts.push(
      anyOfRules(op.methods.map((m) => headerRule(':method', { kind: 'Exact', value: m }))),
    );
  if (op.paths)
    parts.push(
      anyOfRules(
        op.paths.map((p) => {
          const matcher = stringMatcher(p);
          return matcher ? { url_path: { path: matcher } } : { any: true };
        }),
      ),
    );
  if (op.hosts)
    parts.push(
      anyOfRules(
        op.hosts.map((h) => ({
          header: { name: ':authority', string_match: { safe_regex: { regex: hostRegex(h) } } },
        })),
      ),
    );
  return allOfRules(parts);
}

/** A missing header fails `values` and passes `notValues`, as the policy layer says. */
function conditionPermission(w: IrAuthzCondition): JsonObject {
  const parts: JsonObject[] = [];
  if (w.values) parts.push(anyOfRules(w.values.map((v) => headerRule(w.header, v))));
  if (w.notValues)
    parts.push({ not_rule: anyOfRules(w.notValues.map((v) => headerRule(w.header, v))) });
  return allOfRules(parts);
}

function rulePolicy(rule: IrAuthzRule, clientIp: IrAuthorization['clientIp']): JsonObject {
  const permission = allOfRules([
    ...(rule.to ? [anyOfRules(rule.to.map(operationPermission))] : []),
    ...(rule.when ?? []).map(conditionPermission),
  ]);
  return {
    permissions: [permission],
    principals: rule.from ? rule.from.map((s) => sourcePrincipal(s, clientIp)) : [{ any: true }],
  };
}

function rbacFilter(
  name: string,
  action: 'ALLOW' | 'DENY',
  rules: readonly IrAuthzRule[],
  clientIp: IrAuthorization['clientIp'],
): JsonObject {
  const policies: JsonObject = {};
  for (const rule of rules) policies[rule.name] = rulePolicy(rule, clientIp);
  return {
    name,
    typed_config: anyOf(RBAC_TYPE, { rules: { action, policies } }),
  };
}

export function buildRbacFilters(authz: IrAuthorization | undefined): JsonObject[] {
  if (!authz) return [];
  const filters: JsonObject[] = [];
  if (authz.deny.length > 0)
    filters.push(rbacFilter(RBAC_DENY_FILTER, 'DENY', authz.deny, authz.clientIp));
  if (authz.allow)
    filters.push(rbacFilter(RBAC_ALLOW_FILTER, 'ALLOW', authz.allow, authz.clientIp));
  return filters;
}
