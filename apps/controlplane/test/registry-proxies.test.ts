// The proxy registry on the memory store and on real etcd: records appear for
// connected proxies with their versions and NACKs, vanish on disconnect, on close and
// when an instance's lease expires; two instances' proxies are listed together; a
// sidecar's self-registered Workload is removed after the grace period.
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE_URLS, type ProxyNode } from '../src/contracts';
import {
  createProxyRegistry,
  OWNER_ANNOTATION,
  PROXIES_AREA,
  type ProxyRecord,
} from '../src/registry';

const logger = pino({ level: 'silent' });

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const edge: ProxyNode = { id: 'edge-1', role: 'edge', gateway: 'edge/public', locality: {} };
const sidecar: ProxyNode = {
  id: 'cart/pod~1',
  role: 'sidecar',
  service: 'shop/cart',
  workload: 'cart-1',
  locality: { region: 'eu', zone: 'eu-1a' },
  address: '10.0.0.7',
  ports: [{ name: 'http', port: 8080 }],
};

const stores: Record<string, () => Promise<{ store: Store; close(): Promise<void> }>> = {
  memory: async () => {
    const store = new MemoryStore();
    return { store, close: () => store.close() };
  },
  etcd: async () => {
    const store = new EtcdStore({
      endpoints: await etcdEndpointForTests(),
      prefix: uniqueTestPrefix('registry'),
    });
    return { store, close: () => store.close() };
  },
};

for (const [name, open] of Object.entries(stores)) {
  describe(`proxy registry (${name} store)`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    const setup = async () => {
      const opened = await open();
      cleanups.push(() => opened.close());
      const list = async () =>
        (await opened.store.leasedRecords<ProxyRecord>(PROXIES_AREA).list()).map((r) => r.value);
      const registry = (
        instance: string,
        extra: { ttlMs?: number; workloadGraceMs?: number; keepAliveIntervalMs?: number } = {},
      ) => {
        const r = createProxyRegistry({
          store: opened.store,
          instance,
          logger,
          flushIntervalMs: 20,
          ...extra,
        });
        cleanups.push(() => r.close());
        return r;
      };
      return { store: opened.store, list, registry };
    };

    it('records connected proxies of two instances with acked versions and NACKs', async () => {
      const { list, registry } = await setup();
      const a = registry('cp-a');
      const b = registry('cp-b');
      a.connected(edge, 'sotw');
      b.connected(sidecar, 'delta');
      a.sent(edge, { typeUrl: TYPE_URLS.listeners, version: 'v1', bytes: 10, changeSeenAt: 0 });
      a.acked(edge, { typeUrl: TYPE_URLS.listeners, version: 'v1', changeSeenAt: 0 });
      a.sent(edge, { typeUrl: TYPE_URLS.clusters, version: 'c2', bytes: 10, changeSeenAt: 0 });
      a.nacked(edge, {
        typeUrl: TYPE_URLS.clusters,
        version: 'c2',
        error: 'bad cluster',
        objects: ['Service shop/cart'],
      });
      await a.flush();
      await b.flush();
      const records = await list();
      expect(records.map((r) => [r.id, r.instance, r.role])).toEqual([
        ['cart/pod~1', 'cp-b', 'sidecar'],
        ['edge-1', 'cp-a', 'edge'],
      ]);
      const edgeRecord = records.find((r) => r.id === 'edge-1');
      expect(edgeRecord).toMatchObject({
        gateway: 'edge/public',
        versions: { listeners: 'v1', clusters: '', routes: '', endpoints: '', secrets: '' },
        sent: { listeners: 'v1', clusters: 'c2' },
        nack: { type: 'clusters', error: 'bad cluster', objects: ['Service shop/cart'] },
      });
      expect(Date.parse(edgeRecord?.connectedAt ?? '')).toBeGreaterThan(0);

      // A later accepted version clears the NACK.
      a.acked(edge, { typeUrl: TYPE_URLS.clusters, version: 'c3', changeSeenAt: 0 });
      await a.flush();
      const cleared = (await list()).find((r) => r.id === 'edge-1');
      expect(cleared?.nack).toBeUndefined();
      expect(cleared?.versions.clusters).toBe('c3');

      a.disconnected(edge);
      await a.flush();
      expect((await list()).map((r) => r.id)).toEqual(['cart/pod~1']);
      await b.close();
      expect(await list()).toEqual([]);
    });

    it('coalesces an event storm into few writes and keeps the last state', async () => {
      const { store, list, registry } = await setup();
      const before = await store.revision();
      const a = registry('cp-a');
      a.connected(edge, 'sotw');
      for (let i = 0; i < 500; i++) {
        a.sent(edge, { typeUrl: TYPE_URLS.endpoints, version: `e${i}`, bytes: 1, changeSeenAt: 0 });
        a.acked(edge, { typeUrl: TYPE_URLS.endpoints, version: `e${i}`, changeSeenAt: 0 });
      }
      await a.flush();
      expect((await list())[0]?.versions.endpoints).toBe('e499');
      expect((await store.revision()) - before).toBeLessThan(10);
    });

    it("an instance's proxies vanish when its lease expires; a live one's stay", async () => {
      const { list, registry } = await setup();
      // A hung instance: it never renews its lease.
      const hung = registry('cp-hung', { ttlMs: 1_000, keepAliveIntervalMs: 3_600_000 });
      const alive = registry('cp-alive', { ttlMs: 1_000 });
      hung.connected(edge, 'sotw');
      alive.connected(sidecar, 'sotw');
      await hung.flush();
      await alive.flush();
      expect(await list()).toHaveLength(2);
      const after = await until(list, (r) => r.length < 2, 6_000);
      expect(after.map((r) => r.instance)).toEqual(['cp-alive']);
    }, 10_000);

    it('re-registers its proxies under a new lease once the old one expired', async () => {
      const { list, registry } = await setup();
      // Hung for longer than the TTL, then alive again: the next write finds the lease gone.
      const a = registry('cp-a', { ttlMs: 1_000, keepAliveIntervalMs: 3_600_000 });
      a.connected(edge, 'sotw');
      await a.flush();
      await until(list, (r) => r.length === 0, 6_000);
      a.acked(edge, { typeUrl: TYPE_URLS.routes, version: 'r1', changeSeenAt: 0 });
      await a.flush();
      const back = await until(list, (r) => r.length === 1, 3_000);
      expect(back.map((r) => [r.id, r.versions.routes])).toEqual([['edge-1', 'r1']]);
    }, 12_000);

    it('registers a sidecar Workload and removes it after the grace period', async () => {
      const { store, registry } = await setup();
      const a = registry('cp-a', { workloadGraceMs: 200 });
      const id = { kind: 'Workload' as const, namespace: 'shop', name: 'cart-1' };
      a.connected(sidecar, 'sotw');
      await a.flush();
      const created = await store.get(id);
      expect(created?.metadata.annotations?.[OWNER_ANNOTATION]).toBe('dataplane/cart/pod~1');
      expect(created).toMatchObject({
        spec: { service: 'cart', address: '10.0.0.7', ports: [{ name: 'http', port: 8080 }] },
      });

      // Back within the grace period: the Workload stays.
      a.disconnected(sidecar);
      await a.flush();
      a.connected(sidecar, 'sotw');
      await new Promise((resolve) => setTimeout(resolve, 400));
      await a.flush();
      expect(await store.get(id)).toBeDefined();

      a.disconnected(sidecar);
      await a.flush();
      const gone = await until(
        () => store.get(id),
        (w) => w === undefined,
        3_000,
      );
      expect(gone).toBeUndefined();
    });

    it('never takes over a Workload it does not own', async () => {
      const { store, registry } = await setup();
      await store.create({
        apiVersion: 'crossway.dev/v1alpha1',
        kind: 'Workload',
        metadata: { name: 'cart-1', namespace: 'shop' },
        spec: { service: 'cart', address: '10.9.9.9', ports: [{ name: 'http', port: 9090 }] },
      });
      const a = registry('cp-a', { workloadGraceMs: 50 });
      a.connected(sidecar, 'sotw');
      await a.flush();
      a.disconnected(sidecar);
      await a.flush();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.flush();
      const kept = await store.get({ kind: 'Workload', namespace: 'shop', name: 'cart-1' });
      expect(kept).toMatchObject({ spec: { address: '10.9.9.9' } });
    });
  });
}
