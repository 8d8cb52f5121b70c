// The capability-table features one route rule uses, each with the field path
// that asks for it. Filter indexes come from the stored spec when the caller
// has it (RequestMirror filters are resolved apart from the others).
import type { ResolvedRule } from '@crossway/policy';
import type { Feature } from './capability-types';

export interface FeatureUse {
  feature: Feature;
  path: string;
}

/** The `type` of each filter of a stored rule, in spec order. */
export type SpecFilterTypes = readonly string[];

function filterIndexes(rule: ResolvedRule, specFilters: SpecFilterTypes | undefined) {
  if (specFilters) {
    const types = specFilters;
    return (type: string): number[] => types.flatMap((t, i) => (t === type ? [i] : []));
  }
  // Without the spec: the non-mirror filters in order, then the mirrors.
  const types = [...rule.filters.map((f) => f.type), ...rule.mirrors.map(() => 'RequestMirror')];
  return (type: string): number[] => types.flatMap((t, i) => (t === type ? [i] : []));
}

const HTTP_RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
]);

export function ruleFeatures(
  kind: 'HTTPRoute' | 'GRPCRoute',
  rule: ResolvedRule,
  specFilters?: SpecFilterTypes,
): FeatureUse[] {
  const at = `spec.rules[${rule.index}]`;
  const uses: FeatureUse[] = [];
  rule.matches.forEach((match, j) => {
    const m = `${at}.matches[${j}]`;
    if (kind === 'GRPCRoute') {
      if (match.grpc) uses.push({ feature: 'GRPCRoute.matches.method', path: `${m}.method` });
    } else uses.push({ feature: `HTTPRoute.matches.path.${match.path.type}`, path: `${m}.path` });
    if (match.headers.length > 0)
      uses.push({ feature: 'HTTPRoute.matches.headers', path: `${m}.headers` });
    if (match.queryParams.length > 0)
      uses.push({ feature: 'HTTPRoute.matches.queryParams', path: `${m}.queryParams` });
    // Every gRPC call is a POST: only another method changes what matches.
    if (match.method !== undefined && match.method !== 'POST')
      uses.push({ feature: 'HTTPRoute.matches.method', path: `${m}.method` });
  });
  const indexesOf = filterIndexes(rule, specFilters);
  for (const type of [
    'RequestHeaderModifier',
    'ResponseHeaderModifier',
    'RequestRedirect',
    'URLRewrite',
    'RequestMirror',
    'CORS',
  ] as const)
    for (const i of indexesOf(type))
      uses.push({ feature: `route.filters.${type}`, path: `${at}.filters[${i}]` });
  if (rule.action.type === 'Forward' && rule.action.backends.length > 1)
    uses.push({ feature: 'route.backendRefs.weight', path: `${at}.backendRefs` });
  if (rule.timeouts?.request !== undefined)
    uses.push({ feature: 'route.timeouts.request', path: `${at}.timeouts.request` });
  if (rule.timeouts?.backendRequest !== undefined)
    uses.push({ feature: 'route.timeouts.backendRequest', path: `${at}.timeouts.backendRequest` });
  uses.push(...retryFeatures(rule.retry, `${at}.retry`, 'route'));
  return uses;
}

interface RetryLike {
  attempts?: number | undefined;
  perTryTimeout?: string | undefined;
  on?: readonly string[] | undefined;
  statusCodes?: readonly number[] | undefined;
  backoff?: object | undefined;
}

/** Retry settings of a rule (`route`) or of a TrafficPolicy's `retries`. */
export function retryFeatures(
  retry: RetryLike | undefined,
  at: string,
  owner: 'route' | 'TrafficPolicy',
): FeatureUse[] {
  if (!retry) return [];
  const uses: FeatureUse[] = [];
  if (owner === 'TrafficPolicy') uses.push({ feature: 'TrafficPolicy.retries', path: at });
  else uses.push({ feature: 'route.retry.attempts', path: `${at}.attempts` });
  if (retry.perTryTimeout !== undefined)
    uses.push({ feature: 'route.retry.perTryTimeout', path: `${at}.perTryTimeout` });
  if (retry.backoff !== undefined)
    uses.push({ feature: 'route.retry.backoff', path: `${at}.backoff` });
  if (retry.statusCodes !== undefined && retry.statusCodes.length > 0)
    uses.push({ feature: 'route.retry.statusCodes', path: `${at}.statusCodes` });
  (retry.on ?? []).forEach((on, k) =>
    uses.push({
      feature: HTTP_RETRY_ON.has(on) ? 'route.retry.on.http' : 'route.retry.on.grpc',
      path: `${at}.on[${k}]`,
    }),
  );
  return uses;
}
