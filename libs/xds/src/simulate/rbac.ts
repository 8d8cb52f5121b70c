// Evaluates the RBAC HTTP filters of a connection manager the way Envoy does:
// filters in order; a DENY filter denies when any of its policies matches; an
// ALLOW filter denies when none does. A policy matches when any permission and
// any principal match. Unknown matcher kinds match nothing.
import type { JsonObject, JsonValue } from '@crossway/protos';
import { ipInBlock } from '@crossway/policy';
import { asObject, boolAt, numberAt, objectAt, objectsAt, stringAt } from './json-read';
import { matchHeader, matchString, type HeaderMap } from './string-match';

export const RBAC_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';

/** What RBAC sees of one request. */
export interface RbacInput {
  headers: HeaderMap;
  /** The path without query string. */
  path: string;
  destinationPort: number;
  /** The peer certificate's URI SAN, absent without client certificate. */
  principal?: string | undefined;
  /** The peer address. */
  directRemoteIp?: string | undefined;
  /** The client address Envoy derives (X-Forwarded-For with trusted hops), else the peer's. */
  remoteIp?: string | undefined;
  /** Dynamic metadata by filter name (e.g. the jwt_authn payload). */
  metadata: ReadonlyMap<string, JsonObject>;
}

export interface AuthorizationOutcome {
  verdict: 'ALLOW' | 'DENY';
  /** The RBAC policy that decided: the matched DENY or ALLOW policy. */
  by?: string;
  /** The HTTP filter whose decision it was. */
  filter?: string;
}

function inCidr(ip: string | undefined, range: JsonObject | undefined): boolean {
  if (ip === undefined || !range) return false;
  const prefix = stringAt(range, 'address_prefix') ?? '';
  const len = numberAt(range, 'prefix_len');
  return ipInBlock(ip, len === undefined ? prefix : `${prefix}/${len}`);
}

function valueAtPath(root: JsonObject | undefined, keys: string[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const key of keys) node = asObject(node)?.[key];
  return node;
}

function matchValue(matcher: JsonObject | undefined, value: JsonValue | undefined): boolean {
  if (!matcher || value === undefined) return false;
  if (matcher['present_match'] === true) return true;
  const str = objectAt(matcher, 'string_match');
  if (str) return typeof value === 'string' && matchString(str, value);
  if (typeof matcher['bool_match'] === 'boolean') return value === matcher['bool_match'];
  const list = objectAt(matcher, 'list_match');
  if (list)
    return Array.isArray(value) && value.some((v) => matchValue(objectAt(list, 'one_of'), v));
  const double = objectAt(matcher, 'double_match');
  if (double) return typeof value === 'number' && value === double['exact'];
  return false;
}

function matchMetadata(matcher: JsonObject, input: RbacInput): boolean {
  const filter = stringAt(matcher, 'filter') ?? '';
  const keys = objectsAt(matcher, 'path').map((p) => stringAt(p, 'key') ?? '');
  const matched = matchValue(
    objectAt(matcher, 'value'),
    valueAtPath(input.metadata.get(filter), keys),
  );
  return matched !== boolAt(matcher, 'invert');
}

function matchPermission(p: JsonObject, input: RbacInput): boolean {
  if (p['any'] === true) return true;
  const and = objectAt(p, 'and_rules');
  if (and) return objectsAt(and, 'rules').every((r) => matchPermission(r, input));
  const or = objectAt(p, 'or_rules');
  if (or) return objectsAt(or, 'rules').some((r) => matchPermission(r, input));
  const not = objectAt(p, 'not_rule');
  if (not) return !matchPermission(not, input);
  const header = objectAt(p, 'header');
  if (header) return matchHeader(header, input.headers);
  const urlPath = objectAt(p, 'url_path');
  if (urlPath) return matchString(objectAt(urlPath, 'path'), input.path);
  const port = numberAt(p, 'destination_port');
  if (port !== undefined) return port === input.destinationPort;
  const metadata = objectAt(p, 'metadata');
  if (metadata) return matchMetadata(metadata, input);
  return false;
}

function matchPrincipal(p: JsonObject, input: RbacInput): boolean {
  if (p['any'] === true) return true;
  const and = objectAt(p, 'and_ids');
  if (and) return objectsAt(and, 'ids').every((r) => matchPrincipal(r, input));
  const or = objectAt(p, 'or_ids');
  if (or) return objectsAt(or, 'ids').some((r) => matchPrincipal(r, input));
  const not = objectAt(p, 'not_id');
  if (not) return !matchPrincipal(not, input);
  const authenticated = objectAt(p, 'authenticated');
  if (authenticated) {
    if (input.principal === undefined) return false;
    const name = objectAt(authenticated, 'principal_name');
    return name === undefined || matchString(name, input.principal);
  }
  const direct = objectAt(p, 'direct_remote_ip');
  if (direct) return inCidr(input.directRemoteIp, direct);
  const remote = objectAt(p, 'remote_ip');
  if (remote) return inCidr(input.remoteIp, remote);
  const header = objectAt(p, 'header');
  if (header) return matchHeader(header, input.headers);
  const urlPath = objectAt(p, 'url_path');
  if (urlPath) return matchString(objectAt(urlPath, 'path'), input.path);
  const metadata = objectAt(p, 'metadata');
  if (metadata) return matchMetadata(metadata, input);
  return false;
}

function policyMatches(policy: JsonObject, input: RbacInput): boolean {
  return (
    objectsAt(policy, 'permissions').some((p) => matchPermission(p, input)) &&
    objectsAt(policy, 'principals').some((p) => matchPrincipal(p, input))
  );
}

/** The first matching policy of one RBAC filter config, by its (ordered) policy map. */
function firstMatch(rules: JsonObject, input: RbacInput): string | undefined {
  const policies = objectAt(rules, 'policies') ?? {};
  return Object.keys(policies)
    .sort()
    .find((name) => {
      const policy = objectAt(policies, name);
      return policy !== undefined && policyMatches(policy, input);
    });
}

/** One RBAC filter's decision, or undefined when the filter enforces nothing. */
export function evaluateRbacFilter(
  filter: JsonObject,
  input: RbacInput,
): AuthorizationOutcome | undefined {
  const config = objectAt(filter, 'typed_config');
  const rules = objectAt(config, 'rules');
  if (!rules) return undefined;
  const name = stringAt(filter, 'name');
  const action = stringAt(rules, 'action') ?? 'ALLOW';
  const matched = firstMatch(rules, input);
  const decided = (verdict: 'ALLOW' | 'DENY', by?: string): AuthorizationOutcome => ({
    verdict,
    ...(by !== undefined ? { by } : {}),
    ...(name !== undefined ? { filter: name } : {}),
  });
  if (action === 'DENY') return decided(matched === undefined ? 'ALLOW' : 'DENY', matched);
  return decided(matched === undefined ? 'DENY' : 'ALLOW', matched);
}
