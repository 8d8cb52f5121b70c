// The HTTP filter IR of one receiver (a Gateway listener, a Service's inbound
// side or a proxyless server) from the authorization, authentication and
// rate-limit policies attached to it and the routes it serves.
import type { ReceiverTarget, ResolvedPolicy } from '@crossway/policy';
import type { DataPlaneRole, IrRoute } from './common-ir';
import type { IrHttpFilters } from './http-filter-ir';

export interface HttpFilterSite {
  resolved: ResolvedPolicy;
  role: DataPlaneRole;
  /** Whose policies apply: the Gateway (+ listener section) or the Service (+ port name). */
  target: ReceiverTarget;
  /** The routes this connection manager serves (edge), if any. */
  routes: readonly IrRoute[];
}

export function receiverName(target: ReceiverTarget): string {
  if (target.kind === 'Mesh') return 'mesh';
  const base = `${target.kind.toLowerCase()}/${target.namespace}/${target.name}`;
  if (target.sectionName === undefined) return base;
  return `${base}/${target.kind === 'Gateway' ? 'listener' : 'port'}/${target.sectionName}`;
}

export function buildHttpFilterIr(site: HttpFilterSite): IrHttpFilters {
  return { receiver: receiverName(site.target) };
}
