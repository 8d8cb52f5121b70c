// Locality failover as EDS priorities, relative to the edge proxies' own locality
// (EdgeIr.locality): same zone 0, rest of the region 1, then the regions the
// policy's `failover` lists for this region in order, then everything else.
// Priorities are renumbered to be contiguous from 0. Without the proxy's locality
// or without failover every endpoint stays at priority 0.
import type { IrBackend, IrEndpoint } from '../ir/edge-ir';

export type Locality = { region?: string | undefined; zone?: string | undefined };

function rank(endpoint: Locality, own: Locality, failoverTo: readonly string[]): number {
  if (endpoint.region === own.region) {
    return own.zone !== undefined && endpoint.zone === own.zone ? 0 : 1;
  }
  const listed = endpoint.region === undefined ? -1 : failoverTo.indexOf(endpoint.region);
  return listed >= 0 ? 2 + listed : 2 + failoverTo.length;
}

/** A priority per endpoint locality key, or undefined when every locality is priority 0. */
export function localityPriorities(
  backend: IrBackend,
  own: Locality | undefined,
  keyOf: (e: IrEndpoint) => string,
): Map<string, number> | undefined {
  const failover = backend.policy.localityFailover;
  if (!failover || own?.region === undefined) return undefined;
  const to = failover.failover.find((f) => f.from === own.region)?.to ?? [];
  const ranks = new Map<string, number>();
  for (const e of backend.endpoints) ranks.set(keyOf(e), rank(e.locality, own, to));
  const levels = [...new Set(ranks.values())].sort((a, b) => a - b);
  return new Map([...ranks].map(([key, r]) => [key, levels.indexOf(r)]));
}
