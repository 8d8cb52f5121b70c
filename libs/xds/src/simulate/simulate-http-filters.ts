// Runs a request through the HTTP filters of a connection manager in their
// order (fault, cors, jwt_authn, rbac, local_ratelimit, router): the first filter
// that answers the request itself stops the chain, as in Envoy. Faults and rate
// limits are not simulated (they are probabilistic or time-based).
import type { JsonObject } from '@crossway/protos';
import { numberAt, objectAt, objectsAt, stringAt } from './json-read';
import { CORS_FILTER_NAME, evaluateCors, routeCorsPolicy, type CorsOutcome } from './cors';
import { evaluateJwt, type JwtOutcome, type SimulatedToken } from './jwt';
import { evaluateRbacFilter, RBAC_TYPE_URL, type AuthorizationOutcome } from './rbac';
import type { RequestView } from './route-match';

/** Who sends the request: the peer certificate's SPIFFE ID (mTLS) and the peer address. */
export interface SimulatedSource {
  principal?: string;
  ip?: string;
}

export interface HttpFilterInput {
  view: RequestView;
  port: number;
  source?: SimulatedSource | undefined;
  /** Absent: no Authorization header. */
  token?: SimulatedToken | undefined;
}

export interface HttpFilterOutcome {
  cors?: CorsOutcome;
  jwt?: JwtOutcome;
  authorization?: AuthorizationOutcome;
  /** A filter answered the request itself (CORS preflight 200, JWT 401, RBAC 403). */
  localReply?: { status: number; filter: string };
}

/** jwt_authn writes its metadata under its extension name, whatever the filter entry is called. */
const JWT_METADATA_NAMESPACE = 'envoy.filters.http.jwt_authn';
const JWT_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';

/** The client address as Envoy derives it: X-Forwarded-For counted from the right by trusted hops. */
function remoteIp(hcm: JsonObject, input: HttpFilterInput): string | undefined {
  const peer = input.source?.ip;
  const hops = numberAt(hcm, 'xff_num_trusted_hops') ?? 0;
  const xff = input.view.headers.get('x-forwarded-for');
  if (hops === 0 || xff === undefined) return peer;
  const entries = xff.split(',').map((e) => e.trim());
  return entries[entries.length - hops] ?? peer;
}

export function simulateHttpFilters(
  hcm: JsonObject,
  route: JsonObject | undefined,
  input: HttpFilterInput,
): HttpFilterOutcome {
  const result: HttpFilterOutcome = {};
  const metadata = new Map<string, JsonObject>();
  for (const filter of objectsAt(hcm, 'http_filters')) {
    const name = stringAt(filter, 'name') ?? '';
    const type = stringAt(objectAt(filter, 'typed_config'), '@type');
    if (name === CORS_FILTER_NAME) {
      const policy = routeCorsPolicy(route);
      const cors = policy ? evaluateCors(policy, input.view.headers) : undefined;
      if (cors) result.cors = cors;
      if (cors?.answer) return { ...result, localReply: { status: 200, filter: name } };
    } else if (type === JWT_TYPE_URL) {
      const { outcome, payload } = evaluateJwt(filter, input.view, input.token);
      result.jwt = outcome;
      if (outcome.result === 'rejected')
        return { ...result, localReply: { status: 401, filter: name } };
      if (payload) metadata.set(JWT_METADATA_NAMESPACE, { [payload.key]: payload.value });
    } else if (type === RBAC_TYPE_URL) {
      const decision = evaluateRbacFilter(filter, {
        headers: input.view.headers,
        path: input.view.path,
        destinationPort: input.port,
        principal: input.source?.principal,
        directRemoteIp: input.source?.ip,
        remoteIp: remoteIp(hcm, input),
        metadata,
      });
      if (!decision) continue;
      // The last ALLOW decision stands unless a later filter denies.
      if (decision.verdict === 'DENY' || !result.authorization || decision.by !== undefined)
        result.authorization = decision;
      if (decision.verdict === 'DENY')
        return { ...result, localReply: { status: 403, filter: name } };
    }
  }
  return result;
}
