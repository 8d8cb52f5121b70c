// Ring-hash keys for a route: Envoy hashes on the route (hash_policy) and the
// RING_HASH cluster uses the hash. Each backend of the route whose effective
// loadBalancer is RingHash contributes its hashOn, first backend first, once each.
import { effectiveTrafficPolicy, type ResolvedRule, type TrafficContext } from '@crossway/policy';
import { buildHashOn } from './build-backend-policy-parts';
import type { RouteSite } from './build-route-ir';
import type { IrHashOn } from './common-ir';

export function routeHashOn(rule: ResolvedRule, site: RouteSite): IrHashOn[] {
  if (rule.action.type !== 'Forward') return [];
  const found: IrHashOn[] = [];
  const seen = new Set<string>();
  for (const backend of rule.action.backends) {
    // The same context as the backend's cluster (build-backends.ts): the Gateway, not the section.
    const context: TrafficContext = { backend: { ...backend.service, port: backend.port } };
    if (site.listener)
      context.listener = { namespace: site.listener.namespace, name: site.listener.name };
    const lb = effectiveTrafficPolicy(site.resolved, context).fields.loadBalancer;
    const hashOn = lb?.type === 'RingHash' ? buildHashOn(lb.hashOn) : undefined;
    if (!hashOn) continue;
    const key = JSON.stringify(hashOn);
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(hashOn);
  }
  return found;
}
