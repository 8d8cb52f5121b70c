// The HTTP filter IR of one receiver (a Gateway listener, a Service's inbound
// side or a proxyless server) from the authorization, authentication and
// rate-limit policies attached to it and the routes it serves.
import type { ReceiverTarget, ResolvedPolicy } from '@crossway/policy';
import type { DataPlaneRole, IrRoute } from './common-ir';
import type { IrAuthzRule, IrHttpFilters, IrJwtAuthn } from './http-filter-ir';
import { buildAuthorizationIr } from './http-filters/build-authorization-ir';
import { buildJwtIr } from './http-filters/build-jwt-ir';
import { buildRateLimitIr } from './http-filters/build-rate-limit-ir';

export interface HttpFilterSite {
  resolved: ResolvedPolicy;
  role: DataPlaneRole;
  /**
   * Whose policies apply: the Gateway (+ listener section) or the Service (+ port name).
   * Absent for a connection manager that enforces no receiver policies (sidecar
   * outbound, proxyless client): only route-driven filters (fault, cors) are built.
   */
  target?: ReceiverTarget;
  /** The routes this connection manager serves, if any. */
  routes: readonly IrRoute[];
  /**
   * Mesh receivers: the Service port this connection manager serves and the ports
   * peers actually dial for it (Workload ports). `to.ports` name Service ports, so
   * a rule on the Service port also matches the dialed ports.
   */
  ports?: { service: number; listening: readonly number[] };
}

export function receiverName(target: ReceiverTarget): string {
  if (target.kind === 'Mesh') return 'mesh';
  const base = `${target.kind.toLowerCase()}/${target.namespace}/${target.name}`;
  if (target.sectionName === undefined) return base;
  return `${base}/${target.kind === 'Gateway' ? 'listener' : 'port'}/${target.sectionName}`;
}

export function buildHttpFilterIr(site: HttpFilterSite): IrHttpFilters {
  const { resolved, role, target, routes } = site;
  const result: IrHttpFilters = { receiver: target ? receiverName(target) : 'none' };
  if (routes.some((r) => r.fault !== undefined)) result.fault = true;
  if (routes.some((r) => r.cors !== undefined)) result.cors = true;
  if (!target) return result;
  // Role-neutral: a role that cannot run jwt_authn or local_ratelimit (proxyless
  // servers) sees them here and decides (never fail open); claims it cannot
  // evaluate are handled in the authorization IR.
  const jwt = buildJwtIr(resolved, target);
  if (jwt) result.jwt = jwt;
  const authorization = buildAuthorizationIr(resolved, role, target, site.ports);
  if (authorization) result.authorization = authorization;
  const rateLimit = buildRateLimitIr(resolved, target);
  if (rateLimit) result.rateLimit = rateLimit;
  return result;
}

/**
 * For a role that cannot verify tokens: DENY rules for the paths where a token is
 * required, a finer alternative to denying every call.
 */
export function requiredTokenDenyRules(jwt: IrJwtAuthn): IrAuthzRule[] {
  return jwt.rules
    .filter((r) => r.required)
    .map((r, i) => ({
      name: `${r.providers[0]?.split('/provider/')[0] ?? 'authenticationpolicy'}/required/${i}`,
      to: [{ paths: r.paths }],
    }));
}
