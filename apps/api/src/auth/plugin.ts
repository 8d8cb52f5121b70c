// Authentication of every /api/v1 request, authorization checks for handlers,
// and the audit log of writes and denials. Routes whose config sets
// `dataPlaneTokens: true` (certificates, trust bundle) also accept a data-plane
// token; its claims are on request.dataPlane.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DATAPLANE_TOKEN_PREFIX,
  type DataPlaneClaims,
  type DataPlaneTokenVerifier,
} from '@crossway/auth';
import { objectKey, type CrosswayObject } from '@crossway/model';
import { ApiProblem } from '../problems';
import { storeCall } from '../store-problems';
import { authorize, type AccessRequest, type Principal } from './rbac';
import { verifyToken, type TokenVerifierOptions } from './tokens';

export interface AuditEntry {
  action: string;
  object?: CrosswayObject;
  target?: string;
  result: string;
  reason?: string;
  /** More facts worth keeping (e.g. a certificate serial); never a secret. */
  details?: Record<string, string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** Set when a data-plane token authenticated the request (opted-in routes only). */
    dataPlane: DataPlaneClaims | undefined;
    audit(entry: AuditEntry): void;
  }
  interface FastifyContextConfig {
    /** This route also accepts data-plane tokens ("cwdp_"). */
    dataPlaneTokens?: boolean;
  }
}

const ANONYMOUS: Principal = { id: 'anonymous', role: 'viewer' };

export interface AuthOptions extends TokenVerifierOptions {
  /** Dev only: every request is an admin. */
  disabled?: boolean;
  /** Verifies data-plane tokens on routes that accept them. */
  dataPlane?: DataPlaneTokenVerifier;
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] || undefined;
}

/**
 * Whether a request needs a token: decided on the route the router matched (it
 * decodes %-escapes, so "/%61pi/v1/secrets" reaches the Secret list) and, for a
 * request no route matched, on the decoded path. Checking the raw URL alone let
 * such spellings in without a token.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route !== undefined && route.startsWith('/api/')) return true;
  const path = request.url.split('?')[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: judge the raw path (the router answers 400 or 404).
  }
  return (
    path.toLowerCase().startsWith('/api/') ||
    decoded.toLowerCase().replace(/^\/+/, '/').startsWith('/api/')
  );
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
  const dataPlanes = new WeakMap<FastifyRequest, DataPlaneClaims>();
  app.decorateRequest('dataPlane', {
    getter(this: FastifyRequest) {
      return dataPlanes.get(this);
    },
  });
  app.decorateRequest('audit', function (this: FastifyRequest, entry: AuditEntry) {
    const dataPlane = this.dataPlane;
    this.log.info(
      {
        audit: {
          ...entry.details,
          actor: dataPlane ? `dataplane/${dataPlane.jti}` : this.principal.id,
          role: dataPlane ? dataPlane.role : this.principal.role,
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

  const deny = (request: FastifyRequest, reason: string): ApiProblem => {
    request.audit({
      action: `${request.method} ${request.routeOptions.url ?? request.url}`,
      result: 'denied',
      reason,
    });
    return new ApiProblem('Unauthorized', `token rejected: ${reason}`);
  };

  app.addHook('onRequest', async (request) => {
    if (!isApiRequest(request)) return;
    const token = bearerOf(request);
    const dataPlane = request.routeOptions.config.dataPlaneTokens ? options.dataPlane : undefined;
    if (dataPlane && token?.startsWith(DATAPLANE_TOKEN_PREFIX)) {
      const verified = await storeCall(() => dataPlane.verify(token));
      if (!verified.ok) throw deny(request, verified.reason);
      dataPlanes.set(request, verified.claims);
      return;
    }
    if (options.disabled) {
      request.principal = { id: 'insecure-dev', role: 'admin' };
      return;
    }
    if (token === undefined) {
      request.audit({
        action: `${request.method} ${request.routeOptions.url ?? request.url}`,
        result: 'denied',
        reason: 'no bearer token',
      });
      throw new ApiProblem('Unauthorized', 'send "Authorization: Bearer <token>"');
    }
    const result = await verifyToken(token, options);
    if (!result.ok) {
      // An older stored "cw_" data-plane token, on a route that takes one.
      const verified = dataPlane ? await storeCall(() => dataPlane.verify(token)) : undefined;
      if (!verified?.ok) throw deny(request, result.reason);
      dataPlanes.set(request, verified.claims);
      return;
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
  // Fail closed: a handler reached without authentication (a route the hook did not
  // recognise as an API route) must not act for the anonymous default principal.
  if (request.principal === ANONYMOUS && request.dataPlane === undefined) {
    request.audit({ action: access.verb, result: 'denied', reason: 'no bearer token' });
    throw new ApiProblem('Unauthorized', 'send "Authorization: Bearer <token>"');
  }
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
