// GET /api/v1/proxies, /proxies/{id} and /proxies/{id}/config, over records written
// the way the control plane's registry writes them (leased records "proxies", one
// lease per instance), on the memory store and on real etcd.
import { readFileSync } from 'node:fs';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const shop = readFileSync(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
const EMPTY = { listeners: '', routes: '', clusters: '', endpoints: '', secrets: '' };

function proxyRecord(id: string, instance: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    role: 'edge',
    gateway: 'edge/public',
    instance,
    connectedAt: '2026-11-27T12:00:00.000Z',
    stream: 'sotw',
    versions: EMPTY,
    sent: EMPTY,
    ...extra,
  };
}

const backends: Record<string, () => Promise<Store>> = {
  memory: async () => new MemoryStore(),
  etcd: async () =>
    new EtcdStore({ endpoints: await etcdEndpointForTests(), prefix: uniqueTestPrefix('proxies') }),
};

for (const [name, open] of Object.entries(backends)) {
  describe(`proxies API (${name} store)`, () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('lists the proxies of every instance; a closed instance lease removes its proxies', async () => {
      h = await startHarness({ store: await open() });
      const area = h.store.leasedRecords('proxies');
      const a = await area.session(10_000);
      const b = await area.session(10_000);
      await a.put('edge-1', proxyRecord('edge-1', 'cp-a'));
      await b.put(
        encodeURIComponent('cart/pod~1'),
        proxyRecord('cart/pod~1', 'cp-b', {
          role: 'sidecar',
          gateway: undefined,
          service: 'shop/cart',
          workload: 'cart-1',
          nack: {
            type: 'clusters',
            error: 'bad',
            at: '2026-11-27T12:00:01.000Z',
            objects: ['Service shop/cart'],
            version: 'x',
          },
        }),
      );
      const listed = await h.request({
        method: 'GET',
        url: '/api/v1/proxies',
        token: h.tokens.viewer,
      });
      expect(listed.statusCode).toBe(200);
      const items = listed.json().items as Record<string, unknown>[];
      expect(items.map((i) => [i['id'], i['instance'], i['role']])).toEqual([
        ['cart/pod~1', 'cp-b', 'sidecar'],
        ['edge-1', 'cp-a', 'edge'],
      ]);
      expect(items[0]).toMatchObject({
        service: 'shop/cart',
        workload: 'cart-1',
        versions: EMPTY,
        nack: { type: 'clusters', error: 'bad', objects: ['Service shop/cart'] },
      });

      const one = await h.request({
        method: 'GET',
        url: `/api/v1/proxies/${encodeURIComponent('cart/pod~1')}`,
        token: h.tokens.viewer,
      });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({ id: 'cart/pod~1', instance: 'cp-b' });

      await b.close();
      const after = await h.request({ method: 'GET', url: '/api/v1/proxies' });
      expect((after.json().items as { id: string }[]).map((i) => i.id)).toEqual(['edge-1']);
      const missing = await h.request({
        method: 'GET',
        url: `/api/v1/proxies/${encodeURIComponent('cart/pod~1')}`,
      });
      expect(missing.statusCode).toBe(404);
      await a.close();
    });

    it('shows what a proxy was sent and whether it acked the current versions', async () => {
      h = await startHarness({ store: await open() });
      const applied = await h.request({
        method: 'POST',
        url: '/api/v1/apply',
        headers: { 'content-type': 'application/yaml' },
        payload: shop,
      });
      expect(applied.statusCode).toBe(200);
      const preview = (
        await h.request({ method: 'GET', url: '/api/v1/preview?role=edge&gateway=edge/public' })
      ).json() as { versions: Record<string, string> };
      const current = preview.versions;
      const session = await h.store.leasedRecords('proxies').session(10_000);
      await session.put(
        'edge-1',
        proxyRecord('edge-1', 'cp-a', {
          versions: { ...current },
          sent: { ...current },
        }),
      );
      await session.put(
        'edge-old',
        proxyRecord('edge-old', 'cp-a', {
          versions: { ...current, listeners: 'old' },
          sent: { ...current },
        }),
      );
      const synced = await h.request({
        method: 'GET',
        url: '/api/v1/proxies/edge-1/config',
        token: h.tokens.viewer,
      });
      expect(synced.statusCode).toBe(200);
      const body = synced.json();
      expect(body.inSync).toBe(true);
      expect(body.upToDate.listeners).toEqual({ sent: true, acked: true });
      expect((body.resources.listeners as { name: string }[]).map((l) => l.name)).toEqual([
        'gateway/edge/public/port/8080',
        'gateway/edge/public/port/8443',
      ]);
      expect(synced.body).not.toContain('PRIVATE KEY');

      const stale = (
        await h.request({ method: 'GET', url: '/api/v1/proxies/edge-old/config' })
      ).json();
      expect(stale.inSync).toBe(false);
      expect(stale.upToDate.listeners).toEqual({ sent: true, acked: false });

      // Served secrets carry per-replica identity certificates: only the ACK of what was sent counts.
      await session.put(
        'edge-identity',
        proxyRecord('edge-identity', 'cp-a', {
          versions: { ...current, secrets: 'served-by-cp-a' },
          sent: { ...current, secrets: 'served-by-cp-a' },
        }),
      );
      const identity = (
        await h.request({ method: 'GET', url: '/api/v1/proxies/edge-identity/config' })
      ).json();
      expect(identity.upToDate.secrets).toEqual({ sent: true, acked: true });
      expect(identity.inSync).toBe(true);
      await session.put(
        'edge-secret-pending',
        proxyRecord('edge-secret-pending', 'cp-a', {
          versions: { ...current, secrets: 'old' },
          sent: { ...current, secrets: 'new' },
        }),
      );
      const pending = (
        await h.request({ method: 'GET', url: '/api/v1/proxies/edge-secret-pending/config' })
      ).json();
      expect(pending.upToDate.secrets).toEqual({ sent: true, acked: false });
      expect(pending.inSync).toBe(false);
      await session.close();
    });

    it('needs a token to read proxies', async () => {
      h = await startHarness({ store: await open() });
      const anonymous = await h.request({ method: 'GET', url: '/api/v1/proxies', token: null });
      expect(anonymous.statusCode).toBe(401);
    });
  });
}
