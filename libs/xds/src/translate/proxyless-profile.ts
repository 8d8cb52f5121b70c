// The proxyless gRPC role is a profile: an ordered list of single-feature
// builders, each giving nothing when it does not apply.
import type { ProxylessIr } from '../ir/proxyless-ir';
import { translateProxylessClusters } from './proxyless-clusters';
import { translateProxylessEndpoints } from './proxyless-endpoints';
import { translateProxylessListeners } from './proxyless-listeners';
import { translateProxylessRoutes } from './proxyless-routes';
import { translateProxylessServers } from './proxyless-servers';
import { runProfile, type EnvoyResources, type ProfileBuilder } from './resources';

export type ProxylessBuilder = ProfileBuilder<ProxylessIr>;

export const PROXYLESS_PROFILE: readonly ProxylessBuilder[] = [
  translateProxylessListeners,
  translateProxylessRoutes,
  translateProxylessClusters,
  translateProxylessEndpoints,
  translateProxylessServers,
];

export function translateProxyless(
  ir: ProxylessIr,
  profile: readonly ProxylessBuilder[] = PROXYLESS_PROFILE,
): EnvoyResources {
  return runProfile(ir, profile);
}
