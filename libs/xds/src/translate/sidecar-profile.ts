// The sidecar role is a profile: an ordered list of single-feature builders, each
// giving nothing when it does not apply (as EDGE_PROFILE for the edge).
import type { SidecarIr } from '../ir/sidecar-ir';
import { runProfile, type EnvoyResources, type ProfileBuilder } from './resources';
import { translateSidecarInbound } from './sidecar-inbound';
import { translateSidecarOutbound } from './sidecar-outbound';
import { translateSidecarRoutes } from './sidecar-routes';
import { translateSidecarUpstreams } from './sidecar-upstreams';

export type SidecarBuilder = ProfileBuilder<SidecarIr>;

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
  return runProfile(ir, profile);
}
