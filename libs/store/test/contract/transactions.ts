import { describe, expect, it } from 'vitest';
import { isStoreError, MAX_REQUEST_BYTES, type TxOp } from '../../src/index';
import { rv, service, storeError, weightOf, workload, type ContractContext } from './fixtures';

const id = (name: string) => ({ kind: 'Service' as const, namespace: 'default', name });

export function describeTransactions(ctx: ContractContext): void {
  describe('transactions', () => {
    it('a transaction writes all its operations at one revision', async () => {
      const store = await ctx.open();
      await store.create(service('old'));
      await store.create(service('gone'));
      const result = await store.transaction([
        { op: 'create', object: service('new') },
        { op: 'update', object: service('old', { port: 81 }) },
        { op: 'upsert', object: service('upserted') },
        { op: 'delete', id: id('gone') },
      ]);
      const [created, updated, upserted, deleted] = result.objects;
      expect([created, updated, upserted].map(rv)).toEqual(Array(3).fill(String(result.revision)));
      expect(updated?.metadata.generation).toBe(2);
      expect(deleted?.metadata.name).toBe('gone');
      expect(await store.get(id('gone'))).toBeUndefined();
      expect(await store.get(id('upserted'))).toEqual(upserted);
    });

    it('upsert keeps uid and creationTimestamp of an existing object and reports unchanged objects at their resourceVersion', async () => {
      const store = await ctx.open();
      const created = await store.create(service('api'));
      ctx.advanceClock(3_600_000);
      const unchanged = await store.transaction([{ op: 'upsert', object: service('api') }]);
      expect(unchanged.objects[0]).toEqual(created);
      expect(unchanged.written).toEqual([false]);
      const changed = service('api', { port: 9 });
      changed.metadata.creationTimestamp = '2001-01-01T00:00:00Z';
      const result = await store.transaction([
        { op: 'upsert', object: changed },
        { op: 'upsert', object: service('other') },
      ]);
      expect(result.written).toEqual([true, true]);
      const [upserted] = result.objects;
      expect(upserted?.metadata).toMatchObject({
        uid: created.metadata.uid,
        creationTimestamp: created.metadata.creationTimestamp,
        generation: 2,
      });
    });

    it('a failing operation in the middle leaves nothing written and the revision unchanged', async () => {
      const store = await ctx.open({ exclusive: true });
      await store.create(service('existing'));
      const before = await store.revision();
      const error = await storeError(
        store.transaction([
          { op: 'create', object: service('a') },
          { op: 'update', object: service('missing') },
          { op: 'delete', id: id('existing') },
        ]),
      );
      expect(error.code).toBe('NotFound');
      expect(error.message).toContain('operation 1 (update Service default/missing)');
      expect(error.details).toEqual({
        operation: 1,
        kind: 'Service',
        namespace: 'default',
        name: 'missing',
      });
      expect(await store.revision()).toBe(before);
      expect(await store.get(id('a'))).toBeUndefined();
      expect(await store.get(id('existing'))).toBeDefined();
    });

    it('a transaction naming one object twice is rejected', async () => {
      const store = await ctx.open();
      const error = await storeError(
        store.transaction([
          { op: 'create', object: service('a') },
          { op: 'upsert', object: service('a') },
        ]),
      );
      expect(error.code).toBe('InvalidArgument');
      expect(await store.get(id('a'))).toBeUndefined();
    });

    it('a transaction over 128 operations fails with TooLarge and says the numbers', async () => {
      const store = await ctx.open();
      const creates: TxOp[] = Array.from({ length: 129 }, (_, i) => ({
        op: 'create',
        object: service(`s${i}`),
      }));
      const tooMany = await storeError(store.transaction(creates));
      expect(tooMany.code).toBe('TooLarge');
      expect(tooMany.message).toContain('transaction has 129 operations; etcd allows at most 128');
      // Deletes take two etcd operations each (object and status).
      await store.transaction(creates.slice(0, 70));
      const deletes: TxOp[] = Array.from({ length: 70 }, (_, i) => ({
        op: 'delete',
        id: id(`s${i}`),
      }));
      const tooManyDeletes = await storeError(store.transaction(deletes));
      expect(tooManyDeletes.message).toContain(
        'transaction has 140 operations; etcd allows at most 128',
      );
      expect((await store.list({ kind: 'Service' })).items).toHaveLength(70);
      await store.transaction(deletes.slice(0, 64));
      expect((await store.list({ kind: 'Service' })).items).toHaveLength(6);
    });

    it('a transaction over 1.5 MiB fails with TooLarge and one just under it is written', async () => {
      const store = await ctx.open();
      const big = (name: string, bytes: number) =>
        service(name, { extra: { blob: 'x'.repeat(bytes) } });
      const error = await storeError(
        store.transaction([
          { op: 'create', object: big('a', 800_000) },
          { op: 'create', object: big('b', 800_000) },
        ]),
      );
      expect(error.code).toBe('TooLarge');
      expect(error.message).toContain(`etcd allows at most ${MAX_REQUEST_BYTES} bytes`);
      expect(await store.get(id('a'))).toBeUndefined();
      expect((await storeError(store.create(big('c', 1_600_000)))).code).toBe('TooLarge');
      const fits = await store.create(big('d', 1_450_000));
      expect(await store.get(id('d'))).toEqual(fits);
    });

    it('concurrent creates of one object: exactly one succeeds, the rest fail with AlreadyExists', async () => {
      const store = await ctx.open();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => store.create(service('race'))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(isStoreError(r.reason, 'AlreadyExists')).toBe(true);
      }
    });

    it('concurrent updates without a resourceVersion all succeed, one after another', async () => {
      const store = await ctx.open();
      await store.create(workload('w', 0));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.update(workload('w', i + 1))),
      );
      const versions = results.map((r) => Number(rv(r)));
      expect(new Set(versions).size).toBe(8);
      const last = results[versions.indexOf(Math.max(...versions))];
      expect(await store.get({ kind: 'Workload', namespace: 'default', name: 'w' })).toEqual(last);
    });

    it('concurrent read-modify-write with resourceVersions loses no update', async () => {
      const store = await ctx.open();
      const wid = { kind: 'Workload' as const, namespace: 'default', name: 'counter' };
      await store.create(workload('counter', 0));
      const writers = 20;
      const incrementsPerWriter = 3;
      const winsPerVersion = new Map<string, number>();
      let conflicts = 0;
      const writer = async (): Promise<void> => {
        for (let done = 0; done < incrementsPerWriter;) {
          const current = await store.get(wid);
          try {
            await store.update(workload('counter', weightOf(current) + 1), {
              expectedResourceVersion: rv(current),
            });
            winsPerVersion.set(rv(current), (winsPerVersion.get(rv(current)) ?? 0) + 1);
            done++;
          } catch (error) {
            if (!isStoreError(error, 'Conflict')) throw error;
            conflicts++;
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, writer));
      const total = writers * incrementsPerWriter;
      expect(weightOf(await store.get(wid))).toBe(total);
      // Each version was won by exactly one writer: no two writers built on the same read.
      expect([...winsPerVersion.values()].every((wins) => wins === 1)).toBe(true);
      expect(winsPerVersion.size).toBe(total);
      expect(conflicts).toBeGreaterThan(0);
    });
  });
}
