// The status writer inside startControlPlane, on the memory store and on real etcd,
// with the demo policy set (examples/shop.yaml): policy conditions with
// observedGeneration and lastTransitionTime, ResolvedRefs=False for a missing backend,
// UnsupportedForRole for proxyless on a Service parent, Programmed and dataPlanes
// counts driven by a raw ADS client's ACKs and NACKs, one writer per store (the
// other stays passive and takes over when the leader closes), and no rewrite when
// nothing changed.
import { readFile } from 'node:fs/promises';
import type { Condition, CrosswayObject, ObjectStatus } from '@crossway/model';
import { EtcdStore, MemoryStore, type ObjectId, type Store } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { storeTokenRecords } from '@crossway/auth';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../src/control-plane';
import { TYPE_URLS } from '../src/contracts';
import { PROXIES_AREA, type ProxyRecord } from '../src/registry/index';
import { connect } from './support/raw-ads-client';
// The API reads an object with its stored status: checked in-process through its build().
// eslint-disable-next-line @nx/enforce-module-boundaries
import { build } from '../../api/src/server';

const logger = pino({ level: process.env['TEST_LOG'] ?? 'silent' });
const SHOP = new URL('../../../examples/shop.yaml', import.meta.url);

const STOREFRONT: ObjectId = { kind: 'HTTPRoute', namespace: 'shop', name: 'storefront' };
const CANARY: ObjectId = { kind: 'HTTPRoute', namespace: 'shop', name: 'catalog-canary' };
const BROKEN: ObjectId = { kind: 'HTTPRoute', namespace: 'shop', name: 'broken' };
const GATEWAY: ObjectId = { kind: 'Gateway', namespace: 'edge', name: 'public' };

const brokenRoute: CrosswayObject = {
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'HTTPRoute',
  metadata: { name: 'broken', namespace: 'shop' },
  spec: {
    parentRefs: [{ kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'http' }],
    hostnames: ['broken.example.com'],
    rules: [{ backendRefs: [{ name: 'does-not-exist', port: 80 }] }],
  },
};

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function find(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

const stores: Record<string, () => Promise<Store>> = {
  memory: async () => new MemoryStore(),
  etcd: async () =>
    new EtcdStore({ endpoints: await etcdEndpointForTests(), prefix: uniqueTestPrefix('status') }),
};

for (const [storeName, open] of Object.entries(stores)) {
  describe(`status writer (${storeName} store)`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function storeWithShop(extra: CrosswayObject[] = []): Promise<Store> {
      const store = await open();
      cleanups.push(() => store.close());
      const text = await readFile(SHOP, 'utf8');
      const objects = [
        ...parseAllDocuments(text).map((d) => d.toJSON() as CrosswayObject),
        ...extra,
      ];
      await store.transaction(objects.map((object) => ({ op: 'upsert' as const, object })));
      return store;
    }

    async function plane(store: Store, instance: string): Promise<ControlPlane> {
      const started = await startControlPlane({
        store,
        logger,
        xdsPort: 0,
        insecure: true,
        instance,
        debounceMs: 10,
        statusLeaseTtlMs: 2_000,
        statusIntervalMs: 100,
      });
      cleanups.push(() => started.close());
      await started.whenReady();
      return started;
    }

    const statusOf = async (store: Store, id: ObjectId): Promise<ObjectStatus | undefined> =>
      (await store.get(id))?.status;

    it('writes route and policy conditions, missing backends and UnsupportedForRole', async () => {
      const store = await storeWithShop([brokenRoute]);
      await plane(store, 'cp-a');

      const storefront = await until(
        () => store.get(STOREFRONT),
        (o) => (o?.status?.parents?.length ?? 0) > 0,
      );
      const generation = storefront?.metadata.generation;
      expect(generation).toBeGreaterThanOrEqual(1);
      expect(storefront?.status?.parents).toHaveLength(2);
      for (const parent of storefront?.status?.parents ?? []) {
        for (const type of ['Accepted', 'ResolvedRefs']) {
          const c = find(parent.conditions, type);
          expect(c).toMatchObject({ status: 'True', observedGeneration: generation });
          expect(Date.parse(c?.lastTransitionTime ?? '')).toBeGreaterThan(0);
        }
      }

      // A round writes one object at a time: wait for each status before reading it.
      const written = (id: ObjectId, has: (s: ObjectStatus | undefined) => boolean) =>
        until(() => statusOf(store, id), has);
      const broken = await written(BROKEN, (s) => (s?.parents?.length ?? 0) > 0);
      expect(find(broken?.parents?.[0]?.conditions, 'ResolvedRefs')).toMatchObject({
        status: 'False',
        reason: 'BackendNotFound',
      });

      // RequestHeaderModifier on a Service parent: gRPC ignores it.
      const canary = await written(CANARY, (s) => (s?.parents?.length ?? 0) > 0);
      const accepted = find(canary?.parents?.[0]?.conditions, 'Accepted');
      expect(accepted).toMatchObject({ status: 'False', reason: 'UnsupportedForRole' });
      expect(accepted?.message).toContain('proxyless');
      expect(accepted?.message).toContain('RequestHeaderModifier');

      // No data plane yet: counts are zero and Programmed is Unknown.
      const gateway = await written(GATEWAY, (s) => s?.dataPlanes !== undefined);
      expect(gateway?.dataPlanes).toEqual({ acked: 0, nacked: 0, pending: 0 });
      expect(find(gateway?.conditions, 'Programmed')).toMatchObject({
        status: 'Unknown',
        reason: 'Pending',
      });
      expect(find(gateway?.conditions, 'Accepted')?.status).toBe('True');

      // Cluster-scoped objects and policies get theirs too.
      const mesh = await written(
        { kind: 'Mesh', name: 'default' },
        (s) => (s?.conditions?.length ?? 0) > 0,
      );
      expect(find(mesh?.conditions, 'Accepted')?.status).toBe('True');
      const policy = await written(
        { kind: 'TrafficPolicy', namespace: 'payments', name: 'payments-resilience' },
        (s) => (s?.ancestors?.length ?? 0) > 0,
      );
      expect(policy?.ancestors?.length).toBeGreaterThan(0);

      // GET through the REST API shows the same status.
      const api = await build({
        store,
        tokens: storeTokenRecords(store),
        insecure: true,
        logger: false,
      });
      cleanups.push(() => api.close());
      const read = await api.inject({
        method: 'GET',
        url: '/api/v1/namespaces/shop/httproutes/broken',
      });
      expect(read.statusCode).toBe(200);
      const body = read.json<{ status?: ObjectStatus }>();
      expect(find(body.status?.parents?.[0]?.conditions, 'ResolvedRefs')?.reason).toBe(
        'BackendNotFound',
      );
    });

    it('counts a Gateway edge that ACKs, and shows its NACK on the objects behind it', async () => {
      const store = await storeWithShop();
      const cp = await plane(store, 'cp-a');
      const client = connect(
        cp.port,
        { id: 'edge-status', metadata: { role: 'edge', gateway: 'edge/public' } },
        undefined,
        10_000,
      );
      cleanups.push(() => client.close());
      client.request(TYPE_URLS.clusters);
      client.ack(await client.waitForResponse(TYPE_URLS.clusters));

      const programmed = await until(
        () => statusOf(store, GATEWAY),
        (s) => s?.dataPlanes?.acked === 1,
      );
      expect(programmed?.dataPlanes).toEqual({ acked: 1, nacked: 0, pending: 0 });
      expect(find(programmed?.conditions, 'Programmed')).toMatchObject({
        status: 'True',
        reason: 'Programmed',
      });
      const since = find(programmed?.conditions, 'Programmed')?.lastTransitionTime;

      client.request(TYPE_URLS.listeners);
      const lds = await client.waitForResponse(TYPE_URLS.listeners);
      client.nack(lds, 'listener rejected for the test');
      const rejected = await until(
        () => statusOf(store, GATEWAY),
        (s) => s?.dataPlanes?.nacked === 1,
      );
      expect(rejected?.dataPlanes).toEqual({ acked: 0, nacked: 1, pending: 0 });
      const condition = find(rejected?.conditions, 'Programmed');
      expect(condition).toMatchObject({ status: 'False', reason: 'RejectedByDataPlane' });
      expect(condition?.lastTransitionTime).not.toBe(since);

      // Every object the registry names for the NACK carries it, with the proxy id.
      const records = await store.leasedRecords<ProxyRecord>(PROXIES_AREA).list();
      const objects = records[0]?.value.nack?.objects ?? [];
      expect(objects.length).toBeGreaterThan(0);
      for (const named of objects) {
        const [kind = '', ref = ''] = named.split(' ');
        const [namespace = '', name = ''] = ref.split('/');
        const status = await until(
          () => statusOf(store, { kind, namespace, name } as ObjectId),
          (s) => find(s?.conditions, 'Programmed')?.reason === 'RejectedByDataPlane',
        );
        const nack = find(status?.conditions, 'Programmed');
        expect(nack?.status).toBe('False');
        expect(nack?.message).toContain('edge-status');
        expect(nack?.message).toContain('listener rejected for the test');
      }
    });

    it('one writer per store: the other stays passive and takes over when it closes', async () => {
      const store = await storeWithShop();
      const a = await plane(store, 'cp-a');
      await until(
        async () => a.statusWriter?.isLeader() ?? false,
        (leader) => leader,
      );
      const b = await plane(store, 'cp-b');
      await until(
        () => statusOf(store, STOREFRONT),
        (s) => s !== undefined,
      );
      // Give b several poll rounds: it writes nothing and compares nothing.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(b.statusWriter?.isLeader()).toBe(false);
      expect(await b.statusWriter?.sync()).toBe(0);
      expect(b.statusWriter?.stats()).toMatchObject({ rounds: 0, writes: 0 });
      expect(a.statusWriter?.stats().writes).toBeGreaterThan(0);

      await a.close();
      const leader = await until(
        async () => b.statusWriter?.isLeader() ?? false,
        (l) => l,
        6_000,
      );
      expect(leader).toBe(true);
      // A spec change after the takeover is reported by b, at the new generation.
      const route = await store.get(STOREFRONT);
      if (!route) throw new Error('storefront not stored');
      (route.spec as { hostnames: string[] }).hostnames = ['shop.example.com', 'www.example.com'];
      const updated = await store.update(route);
      const status = await until(
        () => statusOf(store, STOREFRONT),
        (s) =>
          find(s?.parents?.[0]?.conditions, 'Accepted')?.observedGeneration ===
          updated.metadata.generation,
      );
      expect(find(status?.parents?.[0]?.conditions, 'Accepted')?.observedGeneration).toBe(
        updated.metadata.generation,
      );
      // The write is visible in etcd a moment before b's own call returns and counts it.
      const bWrites = await until(
        async () => b.statusWriter?.stats().writes ?? 0,
        (w) => w > 0,
      );
      expect(bWrites).toBeGreaterThan(0);
    }, 20_000);

    it('rewrites nothing when nothing changed', async () => {
      const store = await storeWithShop();
      const cp = await plane(store, 'cp-a');
      const writer = cp.statusWriter;
      if (!writer) throw new Error('no status writer');
      await until(
        async () => writer.stats().writes,
        (w) => w > 0,
      );
      // Settle: a full round writes nothing once the statuses are stored.
      await until(
        () => writer.sync(),
        (written) => written === 0,
      );
      // What this store holds (etcd's revision is cluster-wide, and other test files
      // write to the same etcd, so compare the store's own objects and statuses).
      const contents = async (): Promise<string> =>
        JSON.stringify((await store.list()).items.map((o) => [o.metadata, o.status]));
      const before = await contents();
      const route = await store.get(STOREFRONT);
      const writes = writer.stats().writes;
      expect(await writer.sync()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 400)); // several poll rounds
      expect(await contents()).toBe(before);
      expect(writer.stats().writes).toBe(writes);
      expect((await store.get(STOREFRONT))?.metadata.resourceVersion).toBe(
        route?.metadata.resourceVersion,
      );
    }, 20_000);
  });
}
