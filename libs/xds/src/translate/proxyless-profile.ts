// The proxyless gRPC role is a profile: an ordered list of single-feature
// builders, each giving nothing when it does not apply.
import type { ProxylessIr } from '../ir/proxyless-ir';
import { translateProxylessClusters } from './proxyless-clusters';
import { translateProxylessEndpoints } from './proxyless-endpoints';
import { translateProxylessListeners } from './proxyless-listeners';
import { translateProxylessRoutes } from './proxyless-routes';
import { translateProxylessServers } from './proxyless-servers';
import { RESOURCE_KIND_ORDER, type EnvoyResources } from './resources';

export interface ProxylessBuilder {
  name: string;
  build(ir: ProxylessIr): Partial<EnvoyResources>;
}

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
