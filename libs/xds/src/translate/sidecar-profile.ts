// The sidecar role is a profile: an ordered list of single-feature builders, each
// giving nothing when it does not apply (as EDGE_PROFILE for the edge).
import type { SidecarIr } from '../ir/sidecar-ir';
import { RESOURCE_KIND_ORDER, type EnvoyResources } from './resources';
import { translateSidecarInbound } from './sidecar-inbound';
import { translateSidecarOutbound } from './sidecar-outbound';
import { translateSidecarRoutes } from './sidecar-routes';
import { translateSidecarUpstreams } from './sidecar-upstreams';

export interface SidecarBuilder {
  name: string;
  build(ir: SidecarIr): Partial<EnvoyResources>;
}

export const SIDECAR_PROFILE: readonly SidecarBuilder[] = [
  translateSidecarInbound,
  translateSidecarOutbound,
  translateSidecarRoutes,
  translateSidecarUpstreams,
];

export function translateSidecar(
  ir: SidecarIr,
  profile: readonly SidecarBuilder[] = SIDECAR_PROFILE,
): EnvoyResources {
  const out: EnvoyResources = {
    listeners: [],
    routes: [],
    clusters: [],
    endpoints: [],
    secrets: [],
  };
  for (const builder of profile) {
    const part = builder.build(ir);
    for (const kind of RESOURCE_KIND_ORDER) out[kind] = [...out[kind], ...(part[kind] ?? [])];
  }
  return out;
}
