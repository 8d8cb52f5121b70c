// The data-plane authenticator with real signed tokens (issued by @crossway/auth, as
// POST /api/v1/tokens does) on a real store, and nodes as the ADS server decodes them
// from DiscoveryRequest bytes.
import { Metadata } from '@grpc/grpc-js';
import { issueDataPlaneToken, storeSigningKeys, storeTokenRecords } from '@crossway/auth';
import { loadEnvoyProtos, lookupMessageType } from '@crossway/protos';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import { startEtcd } from '@crossway/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataPlaneAuthenticator } from '../src/auth';

const logger = pino({ level: 'silent' });
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

type MetaValue = string | number | boolean | MetaValue[] | { [key: string]: MetaValue };

function toValue(value: MetaValue): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  return {
    structValue: {
      fields: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toValue(v)])),
    },
  };
}

/** A node as the ADS server sees it: encoded in a DiscoveryRequest, decoded back. */
function wireNode(id: string, metadata: Record<string, MetaValue>): unknown {
  const type = lookupMessageType(loadEnvoyProtos(), 'envoy.service.discovery.v3.DiscoveryRequest');
  const message = type.fromObject({
    node: {
      id,
      locality: { region: 'eu', zone: 'eu-1a' },
      metadata: {
        fields: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, toValue(v)])),
      },
    },
  });
  const decoded = type.toObject(type.decode(type.encode(message).finish()), {
    longs: String,
    enums: String,
    defaults: false,
    arrays: true,
    objects: true,
  });
  return decoded['node'];
}

async function setup(now = () => new Date(), given?: Store) {
  const store = given ?? new MemoryStore();
  stores.push(store);
  const records = storeTokenRecords(store);
  const keys = storeSigningKeys(store, now);
  const issue = async (request: {
    role: 'edge' | 'sidecar' | 'proxyless';
    target: string;
    ttlMs?: number;
  }) =>
    issueDataPlaneToken(
      {
        role: request.role,
        ...(request.role === 'edge' ? { gateway: request.target } : { service: request.target }),
        ttlMs: request.ttlMs ?? 3_600_000,
        createdBy: 'test',
      },
      { records, keys, now },
    );
  const auth = createDataPlaneAuthenticator({
    store,
    insecure: false,
    logger,
    now,
    revocationCacheMs: 0,
  });
  return { store, records, issue, auth };
}

describe('data-plane authenticator', () => {
  it('accepts a sidecar whose signed token matches its role and Service', async () => {
    const { auth, issue } = await setup();
    const { token } = await issue({ role: 'sidecar', target: 'shop/cart' });
    expect(token.startsWith('cwdp_')).toBe(true);
    const result = await auth.authenticate(
      wireNode('cart-1', {
        role: 'sidecar',
        service: 'shop/cart',
        workload: 'cart-1',
        token,
        address: '10.0.0.7',
        ports: [{ name: 'http', port: 8080, targetPort: 18080 }],
        outbound: [{ port: 15001, service: 'shop/db', servicePort: 5432 }],
      }),
      new Metadata(),
    );
    expect(result).toEqual({
      ok: true,
      node: {
        id: 'cart-1',
        role: 'sidecar',
        service: 'shop/cart',
        workload: 'cart-1',
        locality: { region: 'eu', zone: 'eu-1a' },
        address: '10.0.0.7',
        ports: [{ name: 'http', port: 8080, targetPort: 18080 }],
        outbound: [{ port: 15001, service: 'shop/db', servicePort: 5432 }],
      },
    });
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('takes the token from the authorization header too', async () => {
    const { auth, issue } = await setup();
    const { token } = await issue({ role: 'edge', target: 'edge/public' });
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const result = await auth.authenticate(
      wireNode('edge-1', { role: 'edge', gateway: 'edge/public' }),
      metadata,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses a missing, forged, expired or revoked token as UNAUTHENTICATED', async () => {
    let clock = Date.parse('2026-11-27T12:00:00Z');
    const { auth, issue, records } = await setup(() => new Date(clock));
    const node = (token?: string) =>
      wireNode('p-1', {
        role: 'proxyless',
        service: 'shop/cart',
        ...(token === undefined ? {} : { token }),
      });
    const missing = await auth.authenticate(node(), new Metadata());
    expect(missing).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });

    const { token, record } = await issue({
      role: 'proxyless',
      target: 'shop/cart',
      ttlMs: 60_000,
    });
    expect((await auth.authenticate(node(token), new Metadata())).ok).toBe(true);

    // Claims changed without re-signing: the signature no longer matches.
    const [payload = '', signature = ''] = token.slice('cwdp_'.length).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = `cwdp_${Buffer.from(JSON.stringify({ ...claims, service: 'shop/db' })).toString('base64url')}.${signature}`;
    const forgedResult = await auth.authenticate(
      wireNode('p-1', { role: 'proxyless', service: 'shop/db', token: forged }),
      new Metadata(),
    );
    expect(forgedResult).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect((await auth.authenticate(node('cw_nonsense'), new Metadata())).ok).toBe(false);

    clock += 61_000;
    expect(await auth.authenticate(node(token), new Metadata())).toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
      message: 'token expired',
    });

    clock -= 61_000;
    expect(await records.delete(record.id)).toBe(true);
    expect(await auth.authenticate(node(token), new Metadata())).toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
      message: 'unknown or revoked token',
    });
  });

  it('refuses another role or target than the token was issued for as PERMISSION_DENIED', async () => {
    const { auth, issue } = await setup();
    const cart = (await issue({ role: 'sidecar', target: 'shop/cart' })).token;
    const edge = (await issue({ role: 'edge', target: 'edge/public' })).token;
    const cases = [
      wireNode('a', { role: 'sidecar', service: 'shop/db', token: cart }),
      wireNode('b', { role: 'proxyless', service: 'shop/cart', token: cart }),
      wireNode('c', { role: 'edge', gateway: 'edge/internal', token: edge }),
      wireNode('d', { role: 'sidecar', service: 'edge/public', token: edge }),
    ];
    for (const node of cases) {
      expect(await auth.authenticate(node, new Metadata())).toMatchObject({
        ok: false,
        code: 'PERMISSION_DENIED',
      });
    }
  });

  it('refuses a node without id or role as INVALID_ARGUMENT', async () => {
    const { auth, issue } = await setup();
    const { token } = await issue({ role: 'sidecar', target: 'shop/cart' });
    for (const node of [
      undefined,
      wireNode('', { role: 'sidecar', service: 'shop/cart', token }),
      wireNode('x', { service: 'shop/cart', token }),
      wireNode('x', { role: 'router', token }),
      wireNode('x', { role: 'sidecar', token }),
    ]) {
      expect(await auth.authenticate(node, new Metadata())).toMatchObject({
        ok: false,
        code: 'INVALID_ARGUMENT',
      });
    }
  });

  it('a token verifies on another replica (same store) and revocation is seen after the cache', async () => {
    let clock = Date.parse('2026-11-27T12:00:00Z');
    const now = () => new Date(clock);
    const { store, issue, records } = await setup(now);
    const other = createDataPlaneAuthenticator({
      store,
      insecure: false,
      logger,
      now,
      revocationCacheMs: 5_000,
    });
    const { token, record } = await issue({ role: 'sidecar', target: 'shop/cart' });
    const node = wireNode('s', { role: 'sidecar', service: 'shop/cart', token });
    expect((await other.authenticate(node, new Metadata())).ok).toBe(true);
    await records.delete(record.id);
    expect((await other.authenticate(node, new Metadata())).ok).toBe(true);
    clock += 5_001;
    expect((await other.authenticate(node, new Metadata())).ok).toBe(false);
  });

  it('insecure mode accepts a node without a token', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const auth = createDataPlaneAuthenticator({ store, insecure: true, logger });
    const result = await auth.authenticate(
      wireNode('dev', { role: 'proxyless', service: 'shop/cart' }),
      new Metadata(),
    );
    expect(result).toMatchObject({ ok: true, node: { id: 'dev', role: 'proxyless' } });
  });
});

describe('data-plane authenticator while etcd is away', () => {
  it('retries a verification the store cannot answer, rather than refusing the stream', async () => {
    const etcd = await startEtcd();
    try {
      const store = new EtcdStore({ endpoints: [etcd.endpoint], prefix: '/auth-retry' });
      const { auth, issue } = await setup(undefined, store);
      const { token } = await issue({ role: 'sidecar', target: 'shop/cart' });
      await etcd.kill();
      const pending = auth.authenticate(
        wireNode('cart-1', { role: 'sidecar', service: 'shop/cart', token }),
        new Metadata(),
      );
      // etcd is back within the retries: the stream is accepted, not refused.
      await new Promise((r) => setTimeout(r, 1500));
      await etcd.restart();
      const result = await pending;
      expect(result).toMatchObject({ ok: true });
    } finally {
      await etcd.stop();
    }
  }, 30_000);
});
