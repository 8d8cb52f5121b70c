// RateLimitPolicies attached to a receiver as one local token bucket. Envoy 1.31's
// local rate limit has no per-value (per client IP, per header value) buckets and
// path-scoped limits would need route descriptors, so every limit is applied as a
// receiver-wide bucket and the most restrictive one is kept: never more lenient
// than the policy asked (see docs/http-filters.md).
import { parseDuration } from '@crossway/model';
import { rateLimitsFor, type ReceiverTarget, type ResolvedPolicy } from '@crossway/policy';
import type { IrRateLimit } from '../http-filter-ir';

export function buildRateLimitIr(
  resolved: ResolvedPolicy,
  target: ReceiverTarget,
): IrRateLimit | undefined {
  let best: IrRateLimit | undefined;
  for (const { policy, spec } of rateLimitsFor(resolved, target))
    spec.limits.forEach((limit, i) => {
      const candidate: IrRateLimit = {
        requests: limit.requests,
        fillInterval: parseDuration(limit.per) ?? 1000,
        burst: limit.burst ?? limit.requests,
        source: `ratelimitpolicy/${policy.namespace}/${policy.name}/limit/${i}`,
      };
      // Lower sustained rate wins; on a tie, the smaller burst.
      const rate = (l: IrRateLimit) => l.requests / l.fillInterval;
      if (
        !best ||
        rate(candidate) < rate(best) ||
        (rate(candidate) === rate(best) && candidate.burst < best.burst)
      )
        best = candidate;
    });
  return best;
}
