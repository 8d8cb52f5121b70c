// Every route: its parents, its rules, and the conditions they produce. A route
// with broken references is kept; only its own status says so.
import { falseCondition, REASONS, trueCondition, type ConditionDraft } from '../common/conditions';
import type { ObjectIndex, StoredRoute } from '../common/object-index';
import type { GrantCheck } from '../common/reference-grants';
import type { GatewayDraft } from '../core/resolve-gateways';
import type { ServiceDraft } from '../core/resolve-services';
import type { RefProblem } from './resolve-backends';
import { resolveParents, routeHostnames } from './resolve-parents';
import { resolveRules } from './resolve-rules';
import type { ResolvedRoute } from './route-types';

export interface RouteDraft {
  stored: StoredRoute;
  route: ResolvedRoute;
  /** Accepted, one per parentRef in spec order. */
  accepted: ConditionDraft[];
  /** ResolvedRefs, the same for every parentRef (backends do not depend on the parent). */
  resolvedRefs: ConditionDraft;
}

function resolvedRefsCondition(problems: readonly RefProblem[]): ConditionDraft {
  const first = problems[0];
  if (!first) return trueCondition('ResolvedRefs', REASONS.ResolvedRefs, 'All references resolved');
  return falseCondition('ResolvedRefs', first.reason, problems.map((p) => p.message).join('; '));
}

export function resolveRoutes(
  index: ObjectIndex,
  grants: GrantCheck,
  gateways: ReadonlyMap<string, GatewayDraft>,
  services: ReadonlyMap<string, ServiceDraft>,
): RouteDraft[] {
  return index.routes.map((stored) => {
    const parents = resolveParents(stored, gateways, services);
    const { rules, problems } = resolveRules(index, grants, stored);
    const route: ResolvedRoute = {
      kind: stored.kind,
      namespace: stored.namespace,
      name: stored.name,
      hostnames: [...routeHostnames(stored)],
      parents: parents.map((p) => p.parent),
      rules,
    };
    if (stored.creationTimestamp !== undefined) route.creationTimestamp = stored.creationTimestamp;
    return {
      stored,
      route,
      accepted: parents.map((p) => p.accepted),
      resolvedRefs: resolvedRefsCondition(problems),
    };
  });
}
