// The mesh identity over SDS, end to end through a real control plane, real tokens
// and a raw ADS client: a sidecar gets its own Service's certificate (URI SAN = its
// SPIFFE ID, from the Service's serviceAccount) that verifies against the served
// trust bundle; what each proxy can obtain depends on its token-bound node only,
// never on the names it asks for; the Mesh mTLS mode decides whether sidecars get
// the secrets at all.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { CrosswayObject } from '@crossway/model';
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE_URLS } from '../src/contracts';
import { connectDelta } from './support/raw-ads-client';
import {
  fetchSecrets,
  identityOf,
  rootsOf,
  signedByOneOf,
  startIdentityEnv,
  uriSans,
  type IdentityEnv,
  type StoreKind,
} from './support/identity-env';
import { operatorRootCa } from './support/test-ca';

const FRONTEND = { role: 'sidecar', service: 'shop/frontend', workload: 'frontend-1' };
const CHECKOUT = { role: 'proxyless', service: 'shop/checkout' };
const EDGE = { role: 'edge', gateway: 'edge/public' };
const FRONTEND_ID = 'spiffe://cluster.local/ns/shop/sa/web';
const CHECKOUT_ID = 'spiffe://cluster.local/ns/shop/sa/checkout';
const EDGE_ID = 'spiffe://cluster.local/ns/edge/gateway/public';
const EDGE_TLS = 'secret/edge/shop-example-com';

/** shop.yaml with Service shop/frontend running as serviceAccount "web". */
function frontendAsWeb(object: CrosswayObject): void {
  if (object.kind === 'Service' && object.metadata.name === 'frontend')
    (object.spec as Record<string, unknown>)['serviceAccount'] = 'web';
}

function meshMode(mode: string) {
  return (object: CrosswayObject): void => {
    frontendAsWeb(object);
    if (object.kind === 'Mesh') (object.spec as Record<string, unknown>)['mtls'] = { mode };
  };
}

function sameKey(keyPem: string, leafKey: ReturnType<typeof createPublicKey>): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return fromKey.equals(leafKey.export({ type: 'spki', format: 'der' }));
}

/** Whether `text` appears anywhere in a decoded resource, nested Any bytes included. */
function mentions(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1').includes(text);
  if (Array.isArray(value)) return value.some((v) => mentions(v, text));
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some((v) => mentions(v, text));
  return false;
}

let env: IdentityEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

for (const store of ['memory', 'etcd'] as StoreKind[]) {
  describe(`workload certificates over SDS (${store} store)`, { timeout: 30_000 }, () => {
    it("gives a sidecar its Service's certificate, verifiable against crossway-roots", async () => {
      env = await startIdentityEnv({ store, edit: frontendAsWeb });
      const client = env.stream(
        'frontend-1.shop',
        FRONTEND,
        await env.token('sidecar', 'shop/frontend'),
      );
      const response = await fetchSecrets(client, ['crossway-identity', 'crossway-roots']);
      expect(response.names).toEqual(['crossway-identity', 'crossway-roots']);

      const { leaf, keyPem } = identityOf(response);
      expect(uriSans(leaf)).toEqual([FRONTEND_ID]);
      expect(sameKey(keyPem, leaf.publicKey)).toBe(true);
      const roots = rootsOf(response);
      expect(roots.length).toBe(1);
      expect(signedByOneOf(leaf, roots)).toBe(true);
      expect(roots[0]!.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(
        env.plane.identity?.trustBundle().roots[0]?.fingerprint256.replace(/:/g, '').toLowerCase(),
      );
      // The TTL is the Mesh's (24h by default), backdated a minute for skew.
      const lifetime = Date.parse(leaf.validTo) - Date.parse(leaf.validFrom);
      expect(lifetime).toBeGreaterThanOrEqual(24 * 3_600_000);
      expect(lifetime).toBeLessThanOrEqual(24 * 3_600_000 + 120_000);
    });
  });
}

describe('operator-provided CA', { timeout: 30_000 }, () => {
  it('serves its root as the trust bundle and signs workload certificates with it', async () => {
    const operator = await operatorRootCa();
    env = await startIdentityEnv({ edit: frontendAsWeb, provided: operator });
    const client = env.stream(
      'frontend-1.shop',
      FRONTEND,
      await env.token('sidecar', 'shop/frontend'),
    );
    const response = await fetchSecrets(client, ['crossway-identity', 'crossway-roots']);
    const roots = rootsOf(response);
    expect(roots.map((r) => r.fingerprint256)).toEqual([
      new X509Certificate(operator.certificateChainPem).fingerprint256,
    ]);
    expect(signedByOneOf(identityOf(response).leaf, roots)).toBe(true);
    expect(uriSans(identityOf(response).leaf)).toEqual([FRONTEND_ID]);
  });
});

describe('SDS authorization matrix', { timeout: 30_000 }, () => {
  const EVERY_NAME = [
    'crossway-identity',
    'crossway-roots',
    EDGE_TLS,
    FRONTEND_ID,
    CHECKOUT_ID,
    EDGE_ID,
    'secret/shop/frontend',
    'secret/shop/checkout',
  ];

  it('serves each proxy its own certificate and nothing else, whatever it asks for', async () => {
    env = await startIdentityEnv({ edit: frontendAsWeb });
    const tokens = {
      frontend: await env.token('sidecar', 'shop/frontend'),
      checkout: await env.token('proxyless', 'shop/checkout'),
      edge: await env.token('edge', 'edge/public'),
    };
    const keys = new Map<string, string>();
    let edgeUsedMeshTls = false;
    for (const [i, names] of [EVERY_NAME, ['*'], [...EVERY_NAME].reverse()].entries()) {
      const a = await fetchSecrets(env.stream(`frontend-${i}`, FRONTEND, tokens.frontend), names);
      expect(a.names).toEqual(['crossway-identity', 'crossway-roots']);
      expect(uriSans(identityOf(a).leaf)).toEqual([FRONTEND_ID]);

      const b = await fetchSecrets(env.stream(`checkout-${i}`, CHECKOUT, tokens.checkout), names);
      expect(b.names).toEqual(['crossway-identity', 'crossway-roots']);
      expect(uriSans(identityOf(b).leaf)).toEqual([CHECKOUT_ID]);

      // The edge gets its listener's stored certificate, and its own Gateway identity
      // when its clusters speak mesh mTLS; never a workload's.
      const edge = env.stream(`edge-${i}`, EDGE, tokens.edge);
      edge.request(TYPE_URLS.clusters);
      const edgeMeshTls = mentions(
        (await edge.waitForResponse(TYPE_URLS.clusters, 10_000)).resources,
        'crossway-identity',
      );
      const g = await fetchSecrets(edge, names);
      expect(g.names).toEqual(
        edgeMeshTls ? ['crossway-identity', 'crossway-roots', EDGE_TLS] : [EDGE_TLS],
      );
      if (edgeMeshTls) expect(uriSans(identityOf(g).leaf)).toEqual([EDGE_ID]);
      edgeUsedMeshTls ||= edgeMeshTls;

      // One certificate (and key) per identity, shared by every proxy of that identity.
      for (const [id, response] of [
        [FRONTEND_ID, a],
        [CHECKOUT_ID, b],
        ...(g.names.includes('crossway-identity') ? [[EDGE_ID, g] as const] : []),
      ] as const) {
        const key = identityOf(response).keyPem;
        expect(keys.get(id) ?? key).toBe(key);
        keys.set(id, key);
      }
    }
    expect(new Set(keys.values()).size).toBe(keys.size);
    // shop.yaml's Mesh is PERMISSIVE: the edge's clusters to mesh Services use mTLS
    // (libs/xds), so the edge did get its Gateway's certificate above.
    expect(edgeUsedMeshTls).toBe(true);
  });

  it('holds over Delta too: subscribing to every name yields only its own', async () => {
    env = await startIdentityEnv({ edit: frontendAsWeb });
    const client = connectDelta(
      env.plane.port,
      { id: 'frontend-delta', metadata: FRONTEND },
      await env.token('sidecar', 'shop/frontend'),
      20_000,
    );
    try {
      client.request(TYPE_URLS.secrets, { subscribe: EVERY_NAME });
      const response = await client.waitForResponse(TYPE_URLS.secrets, 10_000);
      expect(response.names.sort()).toEqual(['crossway-identity', 'crossway-roots']);
      const secret = response.resources.find((r) => r.name === 'crossway-identity');
      const chain = (secret?.resource['tls_certificate'] as Record<string, Record<string, string>>)[
        'certificate_chain'
      ]?.['inline_string'];
      expect(uriSans(new X509Certificate(chain ?? ''))).toEqual([FRONTEND_ID]);
    } finally {
      await client.close();
    }
  });

  it('gives a pure proxyless client the trust bundle but no certificate', async () => {
    env = await startIdentityEnv({ edit: frontendAsWeb });
    const client = env.stream('client-1', { role: 'proxyless' }, await env.token('proxyless'));
    const response = await fetchSecrets(client, ['crossway-identity', 'crossway-roots', '*']);
    expect(response.names).toEqual(['crossway-roots']);
  });

  it("refuses a token for one Service claiming another's node, before sending anything", async () => {
    env = await startIdentityEnv({ edit: frontendAsWeb });
    const frontendToken = await env.token('sidecar', 'shop/frontend');
    const attempts = [
      env.stream('x-1', { role: 'sidecar', service: 'shop/checkout' }, frontendToken),
      env.stream('x-2', { role: 'proxyless', service: 'shop/checkout' }, frontendToken),
      env.stream('x-3', EDGE, frontendToken),
      env.stream('x-4', FRONTEND, await env.token('sidecar', 'shop/checkout')),
    ];
    for (const client of attempts) {
      client.request(TYPE_URLS.secrets, ['crossway-identity', 'crossway-roots', EDGE_TLS]);
      expect((await client.status).code).toBe(status.PERMISSION_DENIED);
      expect(client.received).toEqual([]);
    }
  });
});

describe('Mesh changes', { timeout: 30_000 }, () => {
  it('re-issues for a new trust domain and certTTL, and pushes it to the connected proxy', async () => {
    env = await startIdentityEnv({ edit: frontendAsWeb });
    const client = env.stream(
      'frontend-1.shop',
      FRONTEND,
      await env.token('sidecar', 'shop/frontend'),
    );
    const first = await fetchSecrets(client, ['crossway-identity', 'crossway-roots']);
    const before = identityOf(first);
    expect(uriSans(before.leaf)).toEqual([FRONTEND_ID]);

    const mesh = await env.store.get({ kind: 'Mesh', name: 'default' } as never);
    if (!mesh) throw new Error('shop.yaml has a Mesh');
    const spec = mesh.spec as Record<string, unknown>;
    spec['trustDomain'] = 'shop.example';
    spec['ca'] = { certTTL: '2h' };
    await env.store.update(mesh);

    const next = await client.waitForResponse(TYPE_URLS.secrets, 10_000);
    // SDS in SotW is incremental: the unchanged crossway-roots is not sent again.
    expect(next.names).toEqual(['crossway-identity']);
    const after = identityOf(next);
    expect(uriSans(after.leaf)).toEqual(['spiffe://shop.example/ns/shop/sa/web']);
    const lifetime = Date.parse(after.leaf.validTo) - Date.parse(after.leaf.validFrom);
    expect(lifetime).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(lifetime).toBeLessThanOrEqual(2 * 3_600_000 + 120_000);
    expect(signedByOneOf(after.leaf, rootsOf(first))).toBe(true);
    // The old identity's certificate is dropped at the next check.
    await env.plane.identity?.checkRotation();
    expect(env.plane.identity?.certificates().map((c) => c.spiffeId)).toEqual([
      'spiffe://shop.example/ns/shop/sa/web',
    ]);
  });
});

describe('Mesh mTLS modes', { timeout: 30_000 }, () => {
  /** Whether the sidecar's listeners name the identity secrets over SDS. */
  async function listenersReferenceIdentity(env: IdentityEnv): Promise<boolean> {
    const client = env.stream(
      'frontend-lds',
      FRONTEND,
      await env.token('sidecar', 'shop/frontend'),
    );
    client.request(TYPE_URLS.listeners);
    const lds = await client.waitForResponse(TYPE_URLS.listeners, 10_000);
    await client.close();
    return (
      mentions(lds.resources, 'crossway-identity') && mentions(lds.resources, 'crossway-roots')
    );
  }

  for (const mode of ['STRICT', 'PERMISSIVE']) {
    it(`${mode}: sidecars reference and get crossway-identity and crossway-roots`, async () => {
      env = await startIdentityEnv({ edit: meshMode(mode) });
      expect(await listenersReferenceIdentity(env)).toBe(true);
      const client = env.stream(
        'frontend-1.shop',
        FRONTEND,
        await env.token('sidecar', 'shop/frontend'),
      );
      const response = await fetchSecrets(client, ['crossway-identity', 'crossway-roots']);
      expect(response.names).toEqual(['crossway-identity', 'crossway-roots']);
      expect(uriSans(identityOf(response).leaf)).toEqual([FRONTEND_ID]);
    });
  }

  it('DISABLED: sidecars and proxyless neither reference nor get them, and no certificate is issued', async () => {
    env = await startIdentityEnv({ edit: meshMode('DISABLED') });
    expect(await listenersReferenceIdentity(env)).toBe(false);
    const sidecar = env.stream(
      'frontend-1.shop',
      FRONTEND,
      await env.token('sidecar', 'shop/frontend'),
    );
    const proxyless = env.stream(
      'checkout-1',
      CHECKOUT,
      await env.token('proxyless', 'shop/checkout'),
    );
    for (const client of [sidecar, proxyless]) {
      client.request(TYPE_URLS.clusters);
      await client.waitForResponse(TYPE_URLS.clusters, 10_000);
      client.request(TYPE_URLS.secrets, ['crossway-identity', 'crossway-roots']);
    }
    expect(await sidecar.responsesWithin(300)).toEqual([]);
    expect(await proxyless.responsesWithin(0)).toEqual([]);
    const edge = env.stream('edge-1', EDGE, await env.token('edge', 'edge/public'));
    const g = await fetchSecrets(edge, ['crossway-identity', 'crossway-roots', EDGE_TLS]);
    expect(g.names).toEqual([EDGE_TLS]);
    expect(env.plane.identity?.certificates()).toEqual([]);
  });
});
