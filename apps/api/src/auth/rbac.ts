// Who may do what through the API. Roles: admin (everything), editor (writes,
// optionally limited to namespaces), viewer (reads). Secret keys are write-only
// for every role: reads never return them.
import type { ApiRole, Principal } from '@crossway/auth';

export type { ApiRole, Principal };
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'apply';

const READ_VERBS: ReadonlySet<Verb> = new Set(['get', 'list', 'watch']);

export interface AccessRequest {
  verb: Verb;
  kind?: string;
  /** Absent for cluster-scoped objects (Mesh) and cross-namespace reads. */
  namespace?: string;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

export function authorize(principal: Principal, request: AccessRequest): AccessDecision {
  if (principal.role === 'admin') return { allowed: true };
  if (READ_VERBS.has(request.verb)) return { allowed: true };
  if (principal.role === 'viewer')
    return { allowed: false, reason: `role viewer may not ${request.verb}` };
  const limited = principal.namespaces;
  if (limited === undefined) return { allowed: true };
  if (request.namespace === undefined) {
    return {
      allowed: false,
      reason: `an editor limited to namespaces ${limited.join(', ')} may not ${request.verb} cluster-scoped ${request.kind ?? 'objects'}`,
    };
  }
  if (!limited.includes(request.namespace)) {
    return {
      allowed: false,
      reason: `an editor limited to namespaces ${limited.join(', ')} may not ${request.verb} in namespace ${request.namespace}`,
    };
  }
  return { allowed: true };
}

/** Token management: admins issue API tokens; editors may issue data-plane tokens in their namespaces. */
export function authorizeTokenIssue(
  principal: Principal,
  token: { type: 'api' } | { type: 'dataplane'; namespace: string },
): AccessDecision {
  if (principal.role === 'admin') return { allowed: true };
  if (token.type === 'api') return { allowed: false, reason: 'only admins issue API tokens' };
  if (principal.role === 'viewer')
    return { allowed: false, reason: 'role viewer may not issue tokens' };
  return authorize(principal, { verb: 'create', kind: 'token', namespace: token.namespace });
}
