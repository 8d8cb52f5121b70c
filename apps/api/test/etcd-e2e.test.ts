// The API against a real etcd: apply atomicity, concurrent writers with CAS,
// watch resume, and 503 when etcd is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore, type Store } from '@crossway/store';
import { etcdEndpointForTests, startEtcd, uniqueTestPrefix } from '@crossway/testing';
import { service, startHarness, type Harness } from './harness';
import { openSse } from './sse';

describe('API on etcd', () => {
  let h: Harness;
  beforeAll(async () => {
    const endpoint = await etcdEndpointForTests();
    h = await startHarness({
      store: new EtcdStore({ endpoints: [endpoint], prefix: uniqueTestPrefix('api-e2e') }),
    });
  });
  afterAll(async () => h.close());

  it('an apply whose object changed after it was planned writes none of the set', async () => {
    const endpoint = await etcdEndpointForTests();
    const real = new EtcdStore({ endpoints: [endpoint], prefix: uniqueTestPrefix('api-atomic') });
    // A real store on etcd, plus a rival writer that changes "taken" right before the
    // apply's write reaches etcd: the race the transaction's compares must catch.
    let rivalWrites = 0;
    const racing: Store = Object.assign(Object.create(real) as Store, {
      writeAll: async (
        ops: Parameters<Store['writeAll']>[0],
        options?: Parameters<Store['writeAll']>[1],
      ) => {
        if (ops.length > 1 && rivalWrites++ === 0) {
          const current = await real.get({ kind: 'Service', namespace: 'shop', name: 'taken' });
          if (current)
            await real.update({
              ...current,
              metadata: { ...current.metadata, labels: { rival: 'yes' } },
            });
        }
        return real.writeAll(ops, options);
      },
    });
    const r = await startHarness({ store: racing });
    try {
      await r.request({
        method: 'POST',
        url: '/api/v1/namespaces/shop/services',
        payload: service('taken'),
      });
      const apply = await r.request({
        method: 'POST',
        url: '/api/v1/apply',
        payload: [service('n1'), service('n2'), service('taken', 'shop', 99)],
      });
      expect(apply.statusCode).toBe(409);
      expect(rivalWrites).toBe(1);
      for (const name of ['n1', 'n2'])
        expect(await real.get({ kind: 'Service', namespace: 'shop', name })).toBeUndefined();
      const taken = await real.get({ kind: 'Service', namespace: 'shop', name: 'taken' });
      expect(taken?.spec).toMatchObject({ ports: [{ port: 80 }] });
      // Only the rival's write landed (the shared etcd's global revision also moves with other suites).
      expect(taken?.metadata.labels).toEqual({ rival: 'yes' });
    } finally {
      await r.close();
    }
  });

  it('twenty writers with CAS: every accepted write is kept, losers get 409', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: { ...service('counter'), metadata: { name: 'counter', labels: { count: '0' } } },
    });
    let accepted = 0;
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let tries = 0; tries < 200; tries++) {
          const current = (
            await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/counter' })
          ).json();
          const next = {
            ...current,
            metadata: {
              ...current.metadata,
              labels: { count: String(Number(current.metadata.labels.count) + 1) },
            },
          };
          const answer = await h.request({
            method: 'PUT',
            url: '/api/v1/namespaces/shop/services/counter',
            payload: next,
          });
          if (answer.statusCode === 200) {
            accepted++;
            return;
          }
          expect(answer.statusCode).toBe(409);
          conflicts++;
        }
        throw new Error('writer starved');
      }),
    );
    const final = (
      await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/counter' })
    ).json();
    expect(accepted).toBe(20);
    expect(Number(final.metadata.labels.count)).toBe(20);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('a watch resumed from an older revision replays exactly what followed it', async () => {
    const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const mark = await h.store.revision();
    for (const name of ['w1', 'w2', 'w3'])
      await h.request({
        method: 'POST',
        url: '/api/v1/namespaces/watch/services',
        payload: service(name, 'watch'),
      });
    const stream = await openSse(
      `${base}/api/v1/watch?namespace=watch&resourceVersion=${mark}`,
      h.tokens.admin,
    );
    try {
      const events = await stream.until(
        (e) =>
          e.event === 'ADDED' && (e.data as { metadata: { name: string } }).metadata.name === 'w3',
      );
      expect(
        events
          .filter((e) => e.event === 'ADDED')
          .map((e) => (e.data as { metadata: { name: string } }).metadata.name),
      ).toEqual(['w1', 'w2', 'w3']);
    } finally {
      stream.close();
    }
  });
});

describe('API when etcd is gone', () => {
  it('writes answer 503 quickly and readiness fails', async () => {
    const etcd = await startEtcd();
    const h = await startHarness({
      store: new EtcdStore({ endpoints: [etcd.endpoint], prefix: uniqueTestPrefix('api-down') }),
    });
    try {
      await etcd.kill();
      const started = Date.now();
      const write = await h.request({
        method: 'POST',
        url: '/api/v1/namespaces/shop/services',
        payload: service('lost'),
      });
      expect(write.statusCode).toBe(503);
      expect(write.json().detail).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await h.request({ method: 'GET', url: '/readyz', token: null })).statusCode).toBe(
        503,
      );
    } finally {
      await h.close().catch(() => undefined);
      await etcd.stop();
    }
  });
});
