// The edge role is a profile: an ordered list of single-feature builders. Each
// gives nothing when it does not apply; the role never branches inside them.
import type { EdgeIr } from '../ir/edge-ir';
import { translateJwksClusters } from './filters/jwt-authn';
import { runProfile, type EdgeBuilder, type EnvoyResources } from './resources';
import { translateClusters } from './translate-clusters';
import { translateEndpoints } from './translate-endpoints';
import { translateL4Listeners } from './translate-l4-listeners';
import { translateListeners } from './translate-listeners';
import { translateRoutes } from './translate-routes';

export const EDGE_PROFILE: readonly EdgeBuilder[] = [
  translateListeners,
  translateL4Listeners,
  translateRoutes,
  translateClusters,
  translateJwksClusters,
  translateEndpoints,
];

export function translateEdge(
  ir: EdgeIr,
  profile: readonly EdgeBuilder[] = EDGE_PROFILE,
): EnvoyResources {
  return runProfile(ir, profile);
}
