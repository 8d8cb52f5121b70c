// JWT authentication as Envoy jwt_authn: one provider per AuthenticationPolicy
// provider (payload kept in metadata for RBAC claim matches), requirement rules
// per path in policy order, and CORS preflights let through. A remote JWKS is
// fetched through a cluster of its own (jwksClusters), TLS-verified for https.
import type { JsonObject } from '@crossway/protos';
import type { IrHttpFilters, IrJwtAuthn, IrJwtProvider, IrJwtRule } from '../../ir/http-filter-ir';
import { anyOf, duration, type EdgeBuilder } from '../resources';
import { escapeRegex } from './percent';
import { JWT_FILTER, JWT_PAYLOAD_KEY } from './rbac';

export const JWT_TYPE = 'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';
/** Where Envoy finds the system's CA bundle to verify a JWKS host (Debian/Ubuntu, Envoy images). */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function provider(p: IrJwtProvider): JsonObject {
  const result: JsonObject = {
    issuer: p.issuer,
    forward: p.forwardToken,
    payload_in_metadata: JWT_PAYLOAD_KEY,
  };
  if (p.audiences.length > 0) result['audiences'] = p.audiences;
  if (p.jwks.kind === 'Inline') result['local_jwks'] = { inline_string: p.jwks.json };
  else {
    const remote: JsonObject = {
      http_uri: { uri: p.jwks.uri, cluster: p.jwks.cluster, timeout: '5s' },
    };
    if (p.jwks.cacheDuration !== undefined)
      remote['cache_duration'] = duration(p.jwks.cacheDuration);
    result['remote_jwks'] = remote;
  }
  if (p.claimToHeaders.length > 0)
    result['claim_to_headers'] = p.claimToHeaders.map((c) => ({
      header_name: c.header,
      claim_name: c.claim,
    }));
  return result;
}

function requirement(rule: IrJwtRule): JsonObject {
  const ids: JsonObject[] = rule.providers.map((provider_name) => ({ provider_name }));
  if (!rule.required) ids.push({ allow_missing: {} });
  const [only] = ids;
  return ids.length === 1 && only ? only : { requires_any: { requirements: ids } };
}

function routeMatches(rule: IrJwtRule): JsonObject[] {
  return rule.paths.map((p) => {
    if (p.kind === 'Any') return { prefix: '/' };
    if (p.kind === 'Exact') return { path: p.value };
    if (p.kind === 'Prefix') return { prefix: p.value };
    return { safe_regex: { regex: `.*${escapeRegex(p.value)}` } };
  });
}

export function buildJwtFilter(jwt: IrJwtAuthn | undefined): JsonObject | undefined {
  if (!jwt) return undefined;
  const providers: JsonObject = {};
  for (const p of jwt.providers) providers[p.name] = provider(p);
  return {
    name: JWT_FILTER,
    typed_config: anyOf(JWT_TYPE, {
      providers,
      rules: jwt.rules.flatMap((rule) => {
        const requires = requirement(rule);
        return routeMatches(rule).map((match) => ({ match, requires }));
      }),
      bypass_cors_preflight: true,
    }),
  };
}

function jwksCluster(uri: string, name: string): JsonObject {
  const url = new URL(uri);
  const tls = url.protocol === 'https:';
  const port = url.port !== '' ? Number(url.port) : tls ? 443 : 80;
  const host = url.hostname;
  const cluster: JsonObject = {
    name,
    type: 'LOGICAL_DNS',
    connect_timeout: '5s',
    dns_lookup_family: 'V4_PREFERRED',
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: host, port_value: port } } } },
          ],
        },
      ],
    },
  };
  if (tls)
    cluster['transport_socket'] = {
      name: 'envoy.transport_sockets.tls',
      typed_config: anyOf('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', {
        sni: host,
        common_tls_context: {
          validation_context: {
            trusted_ca: { filename: SYSTEM_CA_BUNDLE },
            match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: host } }],
          },
        },
      }),
    };
  return cluster;
}

/** The clusters the remote JWKS of these connection managers need, one per host, sorted. */
export function jwksClusters(filters: readonly IrHttpFilters[]): JsonObject[] {
  const byName = new Map<string, string>();
  for (const f of filters)
    for (const p of f.jwt?.providers ?? [])
      if (p.jwks.kind === 'Remote' && !byName.has(p.jwks.cluster))
        byName.set(p.jwks.cluster, p.jwks.uri);
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, uri]) => jwksCluster(uri, name));
}

/** Edge profile builder: the JWKS clusters of every host set's jwt_authn filter. */
export const translateJwksClusters: EdgeBuilder = {
  name: 'jwks-clusters',
  build: (ir) => ({
    clusters: jwksClusters(ir.listeners.flatMap((l) => l.hostSets.map((s) => s.httpFilters))),
  }),
};
