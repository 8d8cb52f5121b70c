// One mesh route as gRPC can take it: the match without method and query
// params, forward or fail, the request timeout as the call's deadline cap, and
// retries on gRPC status codes only. Whatever gRPC would ignore or reject is
// recorded in `leftOut` instead.
import type { IrRoute } from './common-ir';
import type {
  ProxylessAction,
  ProxylessLeftOut,
  ProxylessRetry,
  ProxylessRoute,
} from './proxyless-ir';

export const GRPC_RETRY_CODES: ReadonlySet<string> = new Set([
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

function action(route: IrRoute): ProxylessAction {
  const { action: a } = route;
  if (a.kind === 'Forward' && a.backends.length > 0)
    return {
      kind: 'Forward',
      backends: a.backends.map((b) => ({ ...b })),
      invalidWeight: a.invalidWeight,
    };
  if (a.kind === 'Redirect') return { kind: 'Fail', reason: 'redirect (gRPC cannot follow one)' };
  if (a.kind === 'DirectResponse') return { kind: 'Fail', reason: a.reason };
  return { kind: 'Fail', reason: 'no backend with weight' };
}

function retry(route: IrRoute, note: (what: string) => void): ProxylessRetry | undefined {
  const r = route.retry;
  if (!r) return undefined;
  const on = r.on.filter((c) => GRPC_RETRY_CODES.has(c));
  const dropped = r.on.filter((c) => !GRPC_RETRY_CODES.has(c));
  if (dropped.length > 0) note(`retry on ${dropped.join(', ')} (not gRPC status codes)`);
  if (r.statusCodes.length > 0) note('retry statusCodes (HTTP statuses)');
  if (r.perTryTimeout !== undefined) note('retry perTryTimeout (gRPC ignores per_try_timeout)');
  // gRPC NACKs num_retries 0, and a retry policy without gRPC codes does nothing.
  if (r.attempts < 1 || on.length === 0) return undefined;
  const result: ProxylessRetry = { attempts: r.attempts, on };
  if (r.backoff) result.backoff = { ...r.backoff };
  return result;
}

/** Undefined when the route can never match a gRPC call (a method other than POST, a query param). */
export function proxylessRoute(
  route: IrRoute,
  leftOut: ProxylessLeftOut[],
): ProxylessRoute | undefined {
  const note = (what: string): void => {
    leftOut.push({ where: route.name, what });
  };
  const { method, queryParams, ...match } = route.match;
  if (method !== undefined && method !== 'POST') {
    note(`route (method ${method}: every gRPC call is a POST)`);
    return undefined;
  }
  if (queryParams.length > 0) {
    note('route (query param match: gRPC calls have no query string)');
    return undefined;
  }
  const result: ProxylessRoute = {
    name: route.name,
    match: { path: { ...match.path }, headers: match.headers.map((h) => ({ ...h })) },
    action: action(route),
  };
  if (result.action.kind === 'Fail')
    note(`action (${result.action.reason}): matching calls fail UNAVAILABLE`);
  if (route.requestHeaders) note('request header modifier');
  if (route.responseHeaders) note('response header modifier');
  if (route.rewrite) note('URL rewrite');
  if (route.mirrors.length > 0) note('request mirror');
  if (route.timeouts?.backendRequest !== undefined)
    note('backendRequest timeout (gRPC ignores per_try_timeout)');
  const request = route.timeouts?.request;
  if (request !== undefined && request > 0) result.timeout = request;
  const r = retry(route, note);
  if (r) result.retry = r;
  if (route.fault) result.fault = { ...route.fault };
  if (route.cors) note('CORS (gRPC has no CORS filter)');
  const hashHeaders = (route.hashOn ?? []).flatMap((h) => (h.kind === 'Header' ? [h.name] : []));
  for (const h of route.hashOn ?? [])
    if (h.kind !== 'Header') note(`hash on ${h.kind} (gRPC hashes on headers only)`);
  if (hashHeaders.length > 0) result.hashHeaders = hashHeaders;
  return result;
}
