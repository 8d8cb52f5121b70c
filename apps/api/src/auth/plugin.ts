// Authentication of every /api/v1 request, authorization checks for handlers,
// and the audit log of writes and denials.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { objectKey, type CrosswayObject } from '@crossway/model';
import { ApiProblem } from '../problems';
import { authorize, type AccessRequest, type Principal } from './rbac';
import { verifyToken, type TokenVerifierOptions } from './tokens';

export interface AuditEntry {
  action: string;
  object?: CrosswayObject;
  target?: string;
  result: string;
  reason?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    audit(entry: AuditEntry): void;
  }
}

const ANONYMOUS: Principal = { id: 'anonymous', role: 'viewer' };

export interface AuthOptions extends TokenVerifierOptions {
  /** Dev only: every request is an admin. */
  disabled?: boolean;
}

export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const principals = new WeakMap<FastifyRequest, Principal>();
  app.decorateRequest('principal', {
    getter(this: FastifyRequest) {
      return principals.get(this) ?? ANONYMOUS;
    },
    setter(this: FastifyRequest, value: Principal) {
      principals.set(this, value);
    },
  });
  app.decorateRequest('audit', function (this: FastifyRequest, entry: AuditEntry) {
    this.log.info(
      {
        audit: {
          actor: this.principal.id,
          role: this.principal.role,
          action: entry.action,
          object: entry.object ? `${entry.object.kind}/${objectKey(entry.object)}` : entry.target,
          source: this.ip,
          result: entry.result,
          ...(entry.reason === undefined ? {} : { reason: entry.reason }),
        },
      },
      'audit',
    );
  });

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    if (options.disabled) {
      request.principal = { id: 'insecure-dev', role: 'admin' };
      return;
    }
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      request.audit({
        action: `${request.method} ${request.routeOptions.url ?? request.url}`,
        result: 'denied',
        reason: 'no bearer token',
      });
      throw new ApiProblem('Unauthorized', 'send "Authorization: Bearer <token>"');
    }
    const result = await verifyToken(match[1], options);
    if (!result.ok) {
      request.audit({
        action: `${request.method} ${request.routeOptions.url ?? request.url}`,
        result: 'denied',
        reason: result.reason,
      });
      throw new ApiProblem('Unauthorized', `token rejected: ${result.reason}`);
    }
    request.principal = result.principal;
  });
}

/** Throws 403 (and audits the denial) unless the caller may do this. */
export function requireAccess(
  request: FastifyRequest,
  access: AccessRequest,
  object?: CrosswayObject,
): void {
  const decision = authorize(request.principal, access);
  if (decision.allowed) return;
  request.audit({
    action: access.verb,
    ...(object
      ? { object }
      : { target: `${access.kind ?? ''}${access.namespace ? ` in ${access.namespace}` : ''}` }),
    result: 'denied',
    reason: decision.reason,
  });
  throw new ApiProblem('Forbidden', decision.reason);
}
