// Rate limits as Envoy local_ratelimit: one token bucket per connection manager
// (per proxy instance), always enabled and enforced; over the limit answers 429.
import type { JsonObject } from '@crossway/protos';
import type { IrRateLimit } from '../../ir/http-filter-ir';
import { anyOf, duration } from '../resources';
import { alwaysOn } from './percent';

export const LOCAL_RATELIMIT_FILTER = 'envoy.filters.http.local_ratelimit';

export function buildLocalRateLimitFilter(limit: IrRateLimit | undefined): JsonObject | undefined {
  if (!limit) return undefined;
  return {
    name: LOCAL_RATELIMIT_FILTER,
    typed_config: anyOf('envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit', {
      stat_prefix: 'local_rate_limit',
      token_bucket: {
        max_tokens: limit.burst,
        tokens_per_fill: limit.requests,
        fill_interval: duration(limit.fillInterval),
      },
      filter_enabled: alwaysOn('crossway.local_rate_limit.enabled'),
      filter_enforced: alwaysOn('crossway.local_rate_limit.enforced'),
    }),
  };
}
