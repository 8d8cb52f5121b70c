// Evaluates the cors filter with the chosen route's CorsPolicy: a preflight
// (OPTIONS with Origin and Access-Control-Request-Method) from an allowed origin
// is answered by the filter itself (200), so later filters never see it; other
// requests from an allowed origin get Access-Control-Allow-Origin.
import type { JsonObject } from '@crossway/protos';
import { objectAt, objectsAt, stringAt } from './json-read';
import { matchString, type HeaderMap } from './string-match';

export const CORS_FILTER_NAME = 'envoy.filters.http.cors';

export interface CorsOutcome {
  preflight: boolean;
  /** The Origin matched the route's allowed origins. */
  allowed: boolean;
  /** The preflight answer the filter sent itself. */
  answer?: { status: 200; allowOrigin: string; allowMethods?: string; allowHeaders?: string };
}

export function routeCorsPolicy(route: JsonObject | undefined): JsonObject | undefined {
  return objectAt(objectAt(route, 'typed_per_filter_config'), CORS_FILTER_NAME);
}

export function evaluateCors(policy: JsonObject, headers: HeaderMap): CorsOutcome | undefined {
  const origin = headers.get('origin');
  if (origin === undefined) return undefined;
  const preflight =
    headers.get(':method') === 'OPTIONS' && headers.has('access-control-request-method');
  const allowed = objectsAt(policy, 'allow_origin_string_match').some((m) =>
    matchString(m, origin),
  );
  if (!preflight || !allowed) return { preflight, allowed };
  const methods = stringAt(policy, 'allow_methods');
  const allowHeaders = stringAt(policy, 'allow_headers');
  return {
    preflight,
    allowed,
    answer: {
      status: 200,
      allowOrigin: origin,
      ...(methods !== undefined ? { allowMethods: methods } : {}),
      ...(allowHeaders !== undefined ? { allowHeaders } : {}),
    },
  };
}
