// Small valid objects of every kind for the API RBAC matrix (reliability/test/api-rbac.test.ts):
// one builder per kind of the descriptor table, so a kind added there without one
// here fails the matrix instead of silently going untested.
import { generateKeyPairSync } from 'node:crypto';
import { KIND_DESCRIPTORS } from '@crossway/model';
import { API_VERSION } from './stack';

/** The Service every namespaced fixture refers to (created first in each namespace). */
export const ANCHOR_SERVICE = 'anchor';
/** The Gateway the L4 routes attach to. */
export const ANCHOR_GATEWAY = 'anchor-gw';

// A demo self-signed certificate (shop.example.com, as in the model fixtures): Secret
// validation checks PEM structure, not that key and certificate match.
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBizCCATGgAwIBAgIUN59bLg9vHdDTpcj+LOqd5wpFKZcwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTAeFw0yNjExMjcxOTE5MDNaFw0z
NjExMjQxOTE5MDNaMBsxGTAXBgNVBAMMEHNob3AuZXhhbXBsZS5jb20wWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAARTTvRA5amS6yS16iSCjgiQJAXxfbeW7FfMSIKi
bnKXpxgyLaMoeaciOAKStewvYBSDr1FVZhzJRfEhAA+tJtYzo1MwUTAdBgNVHQ4E
FgQUc6eq81uSjPPVyFaxU5XWG22/A38wHwYDVR0jBBgwFoAUc6eq81uSjPPVyFax
U5XWG22/A38wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBMTPUf
w0LnA2KMAbQhLcgI0Qx60yODnFiojAjL0os1AAIhAOz7J0gXgzpBIfZZqYae4Qvx
iX5H3NRCm8i8d3/vpEUr
-----END CERTIFICATE-----
`;

/**
 * A private key made for this run: its base64 body cannot appear in any answer by
 * accident, so finding it anywhere means the API leaked it.
 */
export const SECRET_KEY_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

/** The longest line of the key's base64 body: what a leak check searches for. */
export const SECRET_KEY_MARKER =
  SECRET_KEY_PEM.split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('-----'))
    .sort((a, b) => b.length - a.length)[0] ?? '';

const target = { kind: 'Service', name: ANCHOR_SERVICE };

const SPECS: Record<string, () => Record<string, unknown>> = {
  Mesh: () => ({ mtls: { mode: 'DISABLED' } }),
  Service: () => ({ ports: [{ name: 'http', port: 80, protocol: 'http' }] }),
  Workload: () => ({
    service: ANCHOR_SERVICE,
    address: '127.0.0.1',
    ports: [{ name: 'http', port: 8080 }],
  }),
  Gateway: () => ({
    listeners: [
      { name: 'http', port: 8080, protocol: 'HTTP' },
      { name: 'tcp', port: 5432, protocol: 'TCP' },
      {
        name: 'tls',
        port: 8443,
        protocol: 'TLS',
        hostname: 'db.example.com',
        tls: { mode: 'Passthrough' },
      },
    ],
  }),
  HTTPRoute: () => ({
    parentRefs: [{ kind: 'Service', name: ANCHOR_SERVICE, port: 80 }],
    rules: [{ backendRefs: [{ name: ANCHOR_SERVICE, port: 80 }] }],
  }),
  GRPCRoute: () => ({
    parentRefs: [{ kind: 'Service', name: ANCHOR_SERVICE, port: 80 }],
    rules: [{ backendRefs: [{ name: ANCHOR_SERVICE, port: 80 }] }],
  }),
  TCPRoute: () => ({
    parentRefs: [{ name: ANCHOR_GATEWAY, sectionName: 'tcp' }],
    rules: [{ backendRefs: [{ name: ANCHOR_SERVICE, port: 80 }] }],
  }),
  TLSRoute: () => ({
    parentRefs: [{ name: ANCHOR_GATEWAY, sectionName: 'tls' }],
    hostnames: ['db.example.com'],
    rules: [{ backendRefs: [{ name: ANCHOR_SERVICE, port: 80 }] }],
  }),
  ReferenceGrant: () => ({
    from: [{ kind: 'HTTPRoute', namespace: 'elsewhere' }],
    to: [{ kind: 'Service' }],
  }),
  Secret: () => ({ type: 'tls', data: { 'tls.crt': CERTIFICATE, 'tls.key': SECRET_KEY_PEM } }),
  TrafficPolicy: () => ({ targetRef: target, timeouts: { request: '5s' } }),
  AuthorizationPolicy: () => ({
    targetRef: target,
    action: 'ALLOW',
    rules: [{ from: [{ namespaces: ['team-a'] }] }],
  }),
  RateLimitPolicy: () => ({ targetRef: target, limits: [{ requests: 10, per: '1s' }] }),
  AuthenticationPolicy: () => ({
    targetRef: target,
    providers: [
      {
        name: 'corp',
        issuer: 'https://login.example.com',
        jwks: { uri: 'https://login.example.com/.well-known/jwks.json' },
      },
    ],
  }),
};

/** A valid object of `kind` (Mesh ignores namespace and name: there is one, "default"). */
export function fixtureObject(
  kind: string,
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
): Record<string, unknown> {
  const spec = SPECS[kind];
  if (spec === undefined)
    throw new Error(`reliability/src/rbac-fixtures.ts has no ${kind} fixture`);
  const cluster = KIND_DESCRIPTORS.find((d) => d.kind === kind)?.scope === 'Cluster';
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: cluster ? { name: 'default', labels } : { name, namespace, labels },
    spec: spec(),
  };
}
