// Evaluates an AuthorizationSet for one request: any matching DENY denies; else,
// when any ALLOW applies, the request must match one; else the default decides.
// A rule matches when any `from` entry, any `to` entry and every `when` condition
// match (an absent list matches all); a policy with no rules matches nothing.
import type { PolicyId } from '../attachment/attachment-types';
import { hostnameMatches } from '../routes/hostnames';
import type { AuthorizationEntry, AuthorizationRule, AuthorizationSet } from './authorization-for';
import { ipInBlock } from './ip-blocks';

/** Who is calling. Every field is absent for a caller without mesh identity. */
export interface SourceIdentity {
  namespace?: string | undefined;
  serviceAccount?: string | undefined;
  /** The calling Service's name (in `namespace`). */
  service?: string | undefined;
  /** The calling Gateway's name (in `namespace`). */
  gateway?: string | undefined;
  spiffeId?: string | undefined;
  ip?: string | undefined;
}

/** Input: optional fields also accept undefined, so parsed requests pass straight in. */
export interface AuthorizationRequest {
  source?: SourceIdentity | undefined;
  method?: string | undefined;
  path: string;
  host?: string | undefined;
  port?: number | undefined;
  /** Header names match case-insensitively. */
  headers?: Record<string, string | readonly string[]> | undefined;
  /** Verified JWT claims; a dotted name ("a.b") also looks into nested objects. */
  jwtClaims?: Record<string, unknown> | undefined;
}

export interface AuthorizationVerdict {
  verdict: 'ALLOW' | 'DENY';
  reason: 'DenyMatched' | 'AllowMatched' | 'NoAllowMatched' | 'Default';
  by?: { policy: PolicyId; rule: number };
}

/** Istio-style patterns: "*", exact, prefix "abc*", suffix "*abc". */
export function patternMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function qualified(entry: string, defaultNamespace: string): string {
  return entry.includes('/') ? entry : `${defaultNamespace}/${entry}`;
}

function named(
  list: readonly string[] | undefined,
  namespace: string | undefined,
  name: string | undefined,
  policyNamespace: string,
): boolean {
  if (list === undefined) return true;
  if (namespace === undefined || name === undefined) return false;
  return list.some((e) => qualified(e, policyNamespace) === `${namespace}/${name}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function claimValues(claims: Record<string, unknown> | undefined, name: string): string[] {
  if (!claims) return [];
  let value: unknown = claims[name];
  if (value === undefined) {
    value = name
      .split('.')
      .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), claims);
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list
    .filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(String);
}

type Source = NonNullable<AuthorizationRule['from']>[number];
type Operation = NonNullable<AuthorizationRule['to']>[number];
type When = NonNullable<AuthorizationRule['when']>[number];

function sourceMatches(s: Source, request: AuthorizationRequest, policyNamespace: string): boolean {
  const src = request.source ?? {};
  return (
    named(s.serviceAccounts, src.namespace, src.serviceAccount, policyNamespace) &&
    named(s.services, src.namespace, src.service, policyNamespace) &&
    named(s.gateways, src.namespace, src.gateway, policyNamespace) &&
    (s.spiffeIds === undefined ||
      (src.spiffeId !== undefined && s.spiffeIds.includes(src.spiffeId))) &&
    (s.namespaces === undefined ||
      (src.namespace !== undefined && s.namespaces.includes(src.namespace))) &&
    (s.ipBlocks === undefined ||
      (src.ip !== undefined && s.ipBlocks.some((b) => ipInBlock(src.ip ?? '', b)))) &&
    (s.jwtClaims === undefined ||
      s.jwtClaims.every((c) =>
        claimValues(request.jwtClaims, c.name).some((v) => c.values.includes(v)),
      ))
  );
}

function operationMatches(o: Operation, request: AuthorizationRequest): boolean {
  const path = request.path.split('?')[0] ?? '';
  const host = (request.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return (
    (o.ports === undefined || (request.port !== undefined && o.ports.includes(request.port))) &&
    (o.methods === undefined ||
      (request.method !== undefined &&
        o.methods.some((m) => m === request.method?.toUpperCase()))) &&
    (o.paths === undefined || o.paths.some((p) => patternMatches(p, path))) &&
    (o.hosts === undefined || (host !== '' && o.hosts.some((h) => hostnameMatches(h, host))))
  );
}

function headerValues(request: AuthorizationRequest, name: string): string[] | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {}))
    if (key.toLowerCase() === wanted) return typeof value === 'string' ? [value] : [...value];
  return undefined;
}

/** A missing header fails `values` and passes `notValues`. */
function whenMatches(w: When, request: AuthorizationRequest): boolean {
  const values = headerValues(request, w.header);
  if (w.values !== undefined) {
    if (!values || !values.some((v) => w.values?.some((p) => patternMatches(p, v)))) return false;
  }
  if (w.notValues !== undefined && values)
    if (values.some((v) => w.notValues?.some((p) => patternMatches(p, v)))) return false;
  return true;
}

export function ruleMatches(
  rule: AuthorizationRule,
  request: AuthorizationRequest,
  policyNamespace: string,
): boolean {
  return (
    (rule.from === undefined ||
      rule.from.some((s) => sourceMatches(s, request, policyNamespace))) &&
    (rule.to === undefined || rule.to.some((o) => operationMatches(o, request))) &&
    (rule.when === undefined || rule.when.every((w) => whenMatches(w, request)))
  );
}

function firstMatch(
  entries: readonly AuthorizationEntry[],
  request: AuthorizationRequest,
): { policy: PolicyId; rule: number } | undefined {
  for (const entry of entries) {
    const rule = entry.rules.findIndex((r) => ruleMatches(r, request, entry.policy.namespace));
    if (rule >= 0) return { policy: entry.policy, rule };
  }
  return undefined;
}

export function evaluateAuthorization(
  authz: AuthorizationSet,
  request: AuthorizationRequest,
): AuthorizationVerdict {
  const denied = firstMatch(authz.denies, request);
  if (denied) return { verdict: 'DENY', reason: 'DenyMatched', by: denied };
  if (authz.allows.length > 0) {
    const allowed = firstMatch(authz.allows, request);
    return allowed
      ? { verdict: 'ALLOW', reason: 'AllowMatched', by: allowed }
      : { verdict: 'DENY', reason: 'NoAllowMatched' };
  }
  return { verdict: authz.default, reason: 'Default' };
}
