// Evaluates a jwt_authn filter config for one request. Tokens are simulated as
// already-decoded claims: a token is valid for a provider when its `iss` is the
// provider's issuer and, if the provider lists audiences, its `aud` holds one.
// Signatures and expiry are not simulated.
import type { JsonObject, JsonValue } from '@crossway/protos';
import { objectAt, objectsAt, stringAt, stringsAt } from './json-read';
import { matchRoute, type RequestView } from './route-match';

/** A bearer token as the simulator sees it: its claims, or one that fails verification. */
export type SimulatedToken = { claims: Record<string, JsonValue> } | { invalid: true };

export interface JwtOutcome {
  /** verified: a provider accepted the token; allowed: no token needed or allowed missing; rejected: 401. */
  result: 'verified' | 'allowed' | 'rejected' | 'no-rule' | 'preflight-bypassed';
  provider?: string;
  /** Headers jwt_authn adds from claims (claim_to_headers). */
  headersAdded?: Record<string, string>;
}

interface TokenView {
  token: SimulatedToken | undefined;
  providers: JsonObject;
}

function audiences(claims: Record<string, JsonValue>): string[] {
  const aud = claims['aud'];
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

function validFor(name: string, view: TokenView): boolean {
  const provider = objectAt(view.providers, name);
  const token = view.token;
  if (!provider || !token || !('claims' in token)) return false;
  if (token.claims['iss'] !== stringAt(provider, 'issuer')) return false;
  const wanted = stringsAt(provider, 'audiences');
  return wanted.length === 0 || audiences(token.claims).some((a) => wanted.includes(a));
}

/** Which provider verified the token, "" when the requirement passed without one, undefined on failure. */
function satisfy(req: JsonObject | undefined, view: TokenView): string | undefined {
  if (!req) return undefined;
  const name = stringAt(req, 'provider_name');
  if (name !== undefined) return validFor(name, view) ? name : undefined;
  if (objectAt(req, 'allow_missing')) return view.token === undefined ? '' : undefined;
  if (objectAt(req, 'allow_missing_or_failed')) return '';
  const any = objectAt(req, 'requires_any');
  if (any) {
    for (const r of objectsAt(any, 'requirements')) {
      const got = satisfy(r, view);
      if (got !== undefined) return got;
    }
    return undefined;
  }
  const all = objectAt(req, 'requires_all');
  if (all) {
    let last = '';
    for (const r of objectsAt(all, 'requirements')) {
      const got = satisfy(r, view);
      if (got === undefined) return undefined;
      if (got !== '') last = got;
    }
    return last;
  }
  return undefined;
}

function isPreflight(request: RequestView): boolean {
  return (
    request.headers.get(':method') === 'OPTIONS' &&
    request.headers.has('origin') &&
    request.headers.has('access-control-request-method')
  );
}

/** The outcome, plus the payload left in metadata for RBAC when a provider verified the token. */
export function evaluateJwt(
  filter: JsonObject,
  request: RequestView,
  token: SimulatedToken | undefined,
): { outcome: JwtOutcome; payload?: { key: string; value: JsonObject } } {
  const config = objectAt(filter, 'typed_config');
  if (config?.['bypass_cors_preflight'] === true && isPreflight(request))
    return { outcome: { result: 'preflight-bypassed' } };
  const rule = objectsAt(config, 'rules').find((r) => {
    const match = objectAt(r, 'match');
    return match !== undefined && matchRoute(match, request);
  });
  if (!rule) return { outcome: { result: 'no-rule' } };
  const view: TokenView = { token, providers: objectAt(config, 'providers') ?? {} };
  const provider = satisfy(objectAt(rule, 'requires'), view);
  if (provider === undefined) return { outcome: { result: 'rejected' } };
  if (provider === '' || !token || !('claims' in token)) return { outcome: { result: 'allowed' } };
  const providerConfig = objectAt(view.providers, provider);
  const headersAdded: Record<string, string> = {};
  for (const c of objectsAt(providerConfig, 'claim_to_headers')) {
    const value = token.claims[stringAt(c, 'claim_name') ?? ''];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      headersAdded[stringAt(c, 'header_name') ?? ''] = String(value);
  }
  const outcome: JwtOutcome = {
    result: 'verified',
    provider,
    ...(Object.keys(headersAdded).length > 0 ? { headersAdded } : {}),
  };
  const key = stringAt(providerConfig, 'payload_in_metadata');
  return key === undefined ? { outcome } : { outcome, payload: { key, value: token.claims } };
}
