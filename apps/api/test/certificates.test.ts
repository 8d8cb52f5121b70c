// POST /api/v1/certificates and GET /api/v1/trust-bundle, on the memory store and on
// etcd: who may get which certificate (the token decides the SPIFFE ID, never the CSR),
// the answers a data plane relies on, and the audit log of each issuance.
import 'reflect-metadata';
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDataPlaneToken, storeSigningKeys } from '@crossway/auth';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { build } from '../src/server';
import { storeTokenRecords } from '../src/token-records';
import { ADMIN, service, capturedLogger } from './harness';

x509.cryptoProvider.set(webcrypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A CSR (and its key) that asks for `uris` as SANs, as a greedy or careless agent might. */
async function makeCsr(uris: string[] = []): Promise<{ csr: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=test',
    keys,
    signingAlgorithm: ALG,
    extensions:
      uris.length === 0
        ? []
        : [new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: 'url', value })))],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    csr: request.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

function certificatesOf(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );
}

interface Env {
  app: FastifyInstance;
  store: Store;
  logs: Record<string, unknown>[];
  token(role: 'edge' | 'sidecar' | 'proxyless', target: string): Promise<string>;
  post(token: string | null, body: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

async function startEnv(store: Store, withIdentity = true): Promise<Env> {
  const { logger, lines: logs } = capturedLogger();
  const records = storeTokenRecords(store);
  const app = await build({
    store,
    tokens: records,
    adminToken: ADMIN,
    logger,
    ...(withIdentity ? { identity: { encryptionKey: randomBytes(32) } } : {}),
  });
  const keys = storeSigningKeys(store);
  return {
    app,
    store,
    logs,
    token: async (role, target) =>
      (
        await issueDataPlaneToken(
          {
            role,
            [role === 'edge' ? 'gateway' : 'service']: target,
            ttlMs: 3_600_000,
            createdBy: 'test',
          },
          { records, keys, now: () => new Date() },
        )
      ).token,
    post: (token, body) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/certificates',
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        payload: body as Record<string, unknown>,
      }),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

async function admin(env: Env, method: 'POST' | 'PUT', url: string, payload: unknown) {
  const answer = await env.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: payload as Record<string, unknown>,
  });
  expect(answer.statusCode, answer.body).toBeLessThan(300);
}

/** Mesh in trust domain example.org with 1h certificates; Services a (account "payments"), b, and Gateway public. */
async function seed(env: Env): Promise<void> {
  await admin(env, 'PUT', '/api/v1/meshes/default', {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Mesh',
    metadata: { name: 'default' },
    spec: { trustDomain: 'example.org', ca: { certTTL: '1h' } },
  });
  const a = service('a');
  await admin(env, 'POST', '/api/v1/namespaces/shop/services', {
    ...a,
    spec: { ...a.spec, serviceAccount: 'payments' },
  });
  await admin(env, 'POST', '/api/v1/namespaces/shop/services', service('b'));
  await admin(env, 'POST', '/api/v1/namespaces/edge/gateways', {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: 'edge' },
    spec: { listeners: [{ name: 'http', port: 8080, protocol: 'HTTP' }] },
  });
}

const stores: [string, () => Promise<Store>][] = [
  ['memory store', async () => new MemoryStore()],
  [
    'etcd',
    async () =>
      new EtcdStore({
        endpoints: [await etcdEndpointForTests()],
        prefix: uniqueTestPrefix('api-certs'),
      }),
  ],
];

describe.each(stores)('certificates on the %s', (_name, makeStore) => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv(await makeStore());
    await seed(env);
  });
  afterAll(async () => env?.close());

  it("a sidecar token for A gets A's SPIFFE ID whatever SAN the CSR asks for", async () => {
    const token = await env.token('sidecar', 'shop/a');
    const { csr } = await makeCsr(['spiffe://example.org/ns/shop/sa/b', 'spiffe://evil/ns/x/sa/y']);
    const answer = await env.post(token, { csr });
    expect(answer.statusCode, answer.body).toBe(201);
    const body = answer.json();
    expect(body.spiffeId).toBe('spiffe://example.org/ns/shop/sa/payments');
    const [leaf] = certificatesOf(body.certificateChain);
    expect(leaf?.subjectAltName).toBe('URI:spiffe://example.org/ns/shop/sa/payments');
    // The leaf chains to a root of the trust bundle the answer carries.
    const roots = certificatesOf(body.trustBundle);
    expect(roots.length).toBeGreaterThan(0);
    expect(roots.some((root) => leaf!.verify(root.publicKey))).toBe(true);
    // Lifetime from Mesh ca.certTTL (1h), plus the one-minute backdating for clock skew.
    const lifetime = Date.parse(body.notAfter) - Date.parse(body.notBefore);
    expect(lifetime).toBeGreaterThanOrEqual(3_600_000);
    expect(lifetime).toBeLessThanOrEqual(3_600_000 + 2 * 60_000);
    expect(Date.parse(leaf!.validTo)).toBe(Date.parse(body.notAfter));
  });

  it('a proxyless token for a Service without serviceAccount gets the Service name as account', async () => {
    const answer = await env.post(await env.token('proxyless', 'shop/b'), {
      csr: (await makeCsr()).csr,
    });
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json().spiffeId).toBe('spiffe://example.org/ns/shop/sa/b');
  });

  it("an edge token gets its Gateway's identity", async () => {
    const answer = await env.post(await env.token('edge', 'edge/public'), {
      csr: (await makeCsr(['spiffe://example.org/ns/shop/sa/payments'])).csr,
    });
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json().spiffeId).toBe('spiffe://example.org/ns/edge/gateway/public');
    const [leaf] = certificatesOf(answer.json().certificateChain);
    expect(leaf?.subjectAltName).toBe('URI:spiffe://example.org/ns/edge/gateway/public');
  });

  it('an API token, even an admin one, is refused with 403', async () => {
    const answer = await env.post(ADMIN, { csr: (await makeCsr()).csr });
    expect(answer.statusCode).toBe(403);
    expect(answer.json().detail).toContain('needs a data-plane token');
  });

  it('no token is 401 and a forged or revoked data-plane token is 401', async () => {
    const { csr } = await makeCsr();
    expect((await env.post(null, { csr })).statusCode).toBe(401);
    const token = await env.token('sidecar', 'shop/a');
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await env.post(forged, { csr })).statusCode).toBe(401);
  });

  it('a missing or unreadable CSR, or one whose signature fails, is 422 naming csr', async () => {
    const token = await env.token('sidecar', 'shop/a');
    const { csr } = await makeCsr();
    // Flip one byte of the signature (the end of the DER) inside the PEM.
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 2] = (der[der.length - 2] ?? 0) ^ 0x01;
    const tampered = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
    for (const body of [{}, { csr: '' }, { csr: 'not a csr' }, { csr: tampered }]) {
      const answer = await env.post(token, body);
      expect(answer.statusCode, JSON.stringify(body)).toBe(422);
      expect(answer.json().errors[0].path).toBe('csr');
    }
  });

  it('a token for a Service or Gateway that does not exist is 404', async () => {
    const { csr } = await makeCsr();
    const service = await env.post(await env.token('sidecar', 'shop/ghost'), { csr });
    expect(service.statusCode).toBe(404);
    expect(service.json().detail).toContain('shop/ghost');
    const gateway = await env.post(await env.token('edge', 'edge/ghost'), { csr });
    expect(gateway.statusCode).toBe(404);
  });

  it('the trust bundle answers any API token or data-plane token, and no one else', async () => {
    const get = (token: string | null) =>
      env.app.inject({
        method: 'GET',
        url: '/api/v1/trust-bundle',
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
    const byAdmin = await get(ADMIN);
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    const bundle = byAdmin.json();
    expect(bundle.version).toMatch(/^[0-9a-f]{64}$/);
    expect(bundle.roots).toHaveLength(1);
    const [root] = certificatesOf(bundle.pem);
    expect(bundle.roots[0]).toEqual({
      subject: expect.any(String),
      fingerprint256: expect.any(String),
      notAfter: new Date(root!.validTo).toISOString(),
    });
    const byDataPlane = await get(await env.token('proxyless', 'shop/b'));
    expect(byDataPlane.statusCode).toBe(200);
    expect(byDataPlane.json()).toEqual(bundle);
    expect((await get(null)).statusCode).toBe(401);
    expect((await get('cwdp_bogus.token')).statusCode).toBe(401);
  });

  it('a data-plane token still cannot call the rest of the API', async () => {
    const answer = await env.app.inject({
      method: 'GET',
      url: '/api/v1/namespaces/shop/services',
      headers: { authorization: `Bearer ${await env.token('sidecar', 'shop/a')}` },
    });
    expect(answer.statusCode).toBe(401);
  });

  it('audits each issuance with SPIFFE ID and serial, and logs neither keys nor tokens', async () => {
    const token = await env.token('sidecar', 'shop/b');
    const { csr, keyPem } = await makeCsr();
    const answer = await env.post(token, { csr });
    expect(answer.statusCode).toBe(201);
    const leaf = certificatesOf(answer.json().certificateChain)[0]!;
    const audits = env.logs
      .map((l) => l['audit'] as Record<string, unknown> | undefined)
      .filter((a) => a?.['action'] === 'issue-certificate' && a['result'] === 'created');
    expect(audits.at(-1)).toMatchObject({
      object: 'spiffe://example.org/ns/shop/sa/b',
      role: 'sidecar',
      serial: leaf.serialNumber.toLowerCase().replace(/^0+/, ''),
    });
    expect(String(audits.at(-1)?.['actor'])).toMatch(/^dataplane\//);
    const text = JSON.stringify(env.logs);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(keyPem.split('\n')[1]);
    expect(text).not.toContain(token);
  });
});

describe('rotating the certificate authority', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv(new MemoryStore());
    await seed(env);
  });
  afterAll(async () => env?.close());

  const rotate = (token: string, payload: unknown = {}) =>
    env.app.inject({
      method: 'POST',
      url: '/api/v1/certificate-authority/rotate',
      headers: { authorization: `Bearer ${token}` },
      payload: payload as Record<string, unknown>,
    });

  it('is for admins only and checks the overlap', async () => {
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { type: 'api', role: 'editor', ttl: '1h' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const editor = (created.json() as { token: string }).token;
    expect((await rotate(editor)).statusCode).toBe(403);
    const bad = await rotate(ADMIN, { overlap: '5s' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([{ path: 'overlap', message: expect.any(String) }]);
  });

  it('signs with a new root from then on and keeps the old root trusted through the overlap', async () => {
    const token = await env.token('sidecar', 'shop/a');
    const before = (await env.post(token, { csr: (await makeCsr()).csr })).json();
    const [oldLeaf] = certificatesOf(before.certificateChain);

    const answer = await rotate(ADMIN, { overlap: '48h' });
    expect(answer.statusCode, answer.body).toBe(200);
    const rotated = answer.json();
    expect(rotated.signerFingerprint).not.toBe(rotated.previousSignerFingerprint);
    expect(rotated.trustBundle.roots).toHaveLength(2);

    const after = (await env.post(token, { csr: (await makeCsr()).csr })).json();
    const [newLeaf] = certificatesOf(after.certificateChain);
    const [newRoot, oldRoot] = certificatesOf(after.trustBundle);
    expect(newLeaf!.verify(newRoot!.publicKey)).toBe(true);
    expect(newLeaf!.verify(oldRoot!.publicKey)).toBe(false);
    // A certificate from before the rotation still chains to a root in the bundle.
    expect(oldLeaf!.verify(oldRoot!.publicKey)).toBe(true);
    const bundle = (
      await env.app.inject({
        method: 'GET',
        url: '/api/v1/trust-bundle',
        headers: { authorization: `Bearer ${ADMIN}` },
      })
    ).json();
    expect(bundle.version).toBe(rotated.trustBundle.version);
    expect(env.logs.some((l) => (l['audit'] as { action?: string })?.action === 'rotate-ca')).toBe(
      true,
    );
  });
});

describe('certificates without a CA', () => {
  it('both routes answer 503 "the certificate authority is not configured"', async () => {
    const env = await startEnv(new MemoryStore(), false);
    try {
      await seed(env);
      const issue = await env.post(await env.token('sidecar', 'shop/a'), {
        csr: (await makeCsr()).csr,
      });
      expect(issue.statusCode).toBe(503);
      expect(issue.json().detail).toBe('the certificate authority is not configured');
      const bundle = await env.app.inject({
        method: 'GET',
        url: '/api/v1/trust-bundle',
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(bundle.statusCode).toBe(503);
    } finally {
      await env.close();
    }
  });

  it('the OpenAPI document lists both routes under the certificates tag', async () => {
    const env = await startEnv(new MemoryStore(), false);
    try {
      const doc = (await env.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(doc.paths['/api/v1/certificates'].post.tags).toEqual(['certificates']);
      expect(JSON.stringify(doc.paths['/api/v1/certificates'].post.requestBody)).toContain('csr');
      expect(doc.paths['/api/v1/trust-bundle'].get.tags).toEqual(['certificates']);
    } finally {
      await env.close();
    }
  });
});
