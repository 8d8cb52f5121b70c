import { API_VERSION } from '@crossway/model';
import { describe, expect, it } from 'vitest';
import { mesh, rv, service, storeError, workload, type ContractContext } from './fixtures';

export function describeCrud(ctx: ContractContext): void {
  describe('create, get, update, delete', () => {
    it('create sets uid, generation and creationTimestamp and ignores server-owned fields and status from the client', async () => {
      const store = await ctx.open();
      const incoming = service('api');
      incoming.metadata = {
        ...incoming.metadata,
        uid: 'client-uid',
        generation: 7,
        resourceVersion: '999999',
        creationTimestamp: '2001-01-01T00:00:00Z',
      };
      incoming.status = { conditions: [] };
      const created = await store.create(incoming);
      expect(created.metadata).toEqual({
        name: 'api',
        namespace: 'default',
        uid: 'uid-1',
        generation: 1,
        creationTimestamp: ctx.timestamp(),
        resourceVersion: expect.stringMatching(/^[1-9][0-9]*$/),
      });
      expect(ctx.timestamp()).toBe('2026-11-27T19:00:00Z');
      expect(created.status).toBeUndefined();
      expect(created.apiVersion).toBe(API_VERSION);
      expect(await store.get({ kind: 'Service', namespace: 'default', name: 'api' })).toEqual(
        created,
      );
    });

    it('get of a missing object answers undefined', async () => {
      const store = await ctx.open();
      expect(
        await store.get({ kind: 'Service', namespace: 'default', name: 'nope' }),
      ).toBeUndefined();
    });

    it('create of an existing object fails with AlreadyExists', async () => {
      const store = await ctx.open();
      await store.create(service('api'));
      const error = await storeError(store.create(service('api')));
      expect(error.code).toBe('AlreadyExists');
      expect(error.message).toContain('Service default/api');
    });

    it('update keeps uid and creationTimestamp and bumps generation only when the spec changes', async () => {
      const store = await ctx.open();
      const created = await store.create(service('api'));
      ctx.advanceClock(60_000);
      const relabeled = await store.update(service('api', { labels: { team: 'a' } }));
      expect(relabeled.metadata.generation).toBe(1);
      expect(relabeled.metadata.labels).toEqual({ team: 'a' });
      expect(Number(rv(relabeled))).toBeGreaterThan(Number(rv(created)));
      const respecced = await store.update(service('api', { labels: { team: 'a' }, port: 81 }));
      expect(respecced.metadata).toMatchObject({
        uid: 'uid-1',
        generation: 2,
        creationTimestamp: created.metadata.creationTimestamp,
      });
      expect(Number(rv(respecced))).toBeGreaterThan(Number(rv(relabeled)));
      expect(await store.get({ kind: 'Service', namespace: 'default', name: 'api' })).toEqual(
        respecced,
      );
    });

    it('an update that changes nothing writes nothing and returns the stored object', async () => {
      const store = await ctx.open({ exclusive: true });
      const created = await store.create(
        service('api', { labels: { team: 'a' }, extra: { serviceAccount: 'x', hosts: ['a'] } }),
      );
      const before = await store.revision();
      // Same content, keys in another order, server-owned fields different: still no change.
      const same = service('api', {
        labels: { team: 'a' },
        extra: { hosts: ['a'], serviceAccount: 'x' },
      });
      same.metadata.uid = 'other';
      same.metadata.generation = 9;
      const result = await store.update(same, { expectedResourceVersion: rv(created) });
      expect(result).toEqual(created);
      expect(await store.revision()).toBe(before);
    });

    it('update of a missing object fails with NotFound and creates nothing', async () => {
      const store = await ctx.open();
      expect((await storeError(store.update(service('ghost')))).code).toBe('NotFound');
      expect(
        await store.get({ kind: 'Service', namespace: 'default', name: 'ghost' }),
      ).toBeUndefined();
    });

    it('a stale expectedResourceVersion fails update and delete with Conflict', async () => {
      const store = await ctx.open();
      const first = await store.create(service('api'));
      const second = await store.update(service('api', { port: 81 }), {
        expectedResourceVersion: rv(first),
      });
      const stale = { expectedResourceVersion: rv(first) };
      expect((await storeError(store.update(service('api', { port: 82 }), stale))).code).toBe(
        'Conflict',
      );
      const id = { kind: 'Service' as const, namespace: 'default', name: 'api' };
      expect((await storeError(store.delete(id, stale))).code).toBe('Conflict');
      expect(await store.get(id)).toEqual(second);
      expect(
        (await storeError(store.update(service('api'), { expectedResourceVersion: 'abc' }))).code,
      ).toBe('InvalidArgument');
      await store.delete(id, { expectedResourceVersion: rv(second) });
      expect(await store.get(id)).toBeUndefined();
    });

    it('delete returns the deleted object and a second delete fails with NotFound', async () => {
      const store = await ctx.open();
      const created = await store.create(workload('w1', 5));
      const id = { kind: 'Workload' as const, namespace: 'default', name: 'w1' };
      expect(await store.delete(id)).toEqual(created);
      expect(await store.get(id)).toBeUndefined();
      expect((await storeError(store.delete(id))).code).toBe('NotFound');
    });

    it('a re-created object gets a new uid, generation 1 and a new creationTimestamp', async () => {
      const store = await ctx.open();
      await store.create(service('api'));
      await store.delete({ kind: 'Service', namespace: 'default', name: 'api' });
      ctx.advanceClock(5_000);
      const again = await store.create(service('api'));
      expect(again.metadata).toMatchObject({
        uid: 'uid-2',
        generation: 1,
        creationTimestamp: ctx.timestamp(),
      });
    });

    it('namespaced kinds need a namespace and cluster-scoped kinds take none', async () => {
      const store = await ctx.open();
      const created = await store.create(mesh());
      expect(created.metadata.namespace).toBeUndefined();
      expect(await store.get({ kind: 'Mesh', name: 'default' })).toEqual(created);
      const namespaced = mesh();
      namespaced.metadata.namespace = 'default';
      expect((await storeError(store.create(namespaced))).code).toBe('InvalidArgument');
      const bare = service('api');
      delete bare.metadata.namespace;
      expect((await storeError(store.create(bare))).code).toBe('InvalidArgument');
      expect((await storeError(store.get({ kind: 'Service', name: 'api' }))).code).toBe(
        'InvalidArgument',
      );
    });
  });
}
