// Contract: single-object writes from concurrent callers. The store may write them
// together (group commit), but each caller must see exactly what it would see alone:
// its own object and resourceVersion, its own NotFound/AlreadyExists/Conflict, and
// compare-and-swap on one key must still let exactly one writer win.
import { describe, expect, it } from 'vitest';
import { isStoreError } from '../../src/index';
import { rv, service, weightOf, workload, type ContractContext } from './fixtures';

const workloadId = (name: string) => ({ kind: 'Workload' as const, namespace: 'default', name });

export function describeConcurrentWrites(ctx: ContractContext): void {
  describe('concurrent single-object writes', () => {
    it('writers to different keys each get their own object, and failures stay their own', async () => {
      const store = await ctx.open();
      const names = Array.from({ length: 24 }, (_, i) => `w${i}`);
      const created = await Promise.all(names.map((n) => store.create(workload(n, 1))));
      await store.create(service('kept'));
      const stale = rv(created[0]);
      await store.update(workload('w0', 2));
      const outcomes = await Promise.allSettled([
        ...names.slice(1).map((n, i) => store.update(workload(n, 100 + i))),
        store.update(workload('w0', 3), { expectedResourceVersion: stale }),
        store.update(workload('missing', 1)),
        store.create(service('kept')),
        store.update(service('kept')),
        store.delete({ kind: 'Service', namespace: 'default', name: 'kept' }),
      ]);
      const updates = outcomes.slice(0, names.length - 1);
      for (const [i, outcome] of updates.entries()) {
        expect(outcome.status).toBe('fulfilled');
        if (outcome.status !== 'fulfilled') continue;
        expect(weightOf(outcome.value)).toBe(100 + i);
        const stored = await store.get(workloadId(`w${i + 1}`));
        expect(stored).toEqual(outcome.value);
      }
      const [conflict, missing, exists] = outcomes.slice(names.length - 1);
      const codeOf = (o: PromiseSettledResult<unknown> | undefined) =>
        o?.status === 'rejected' && isStoreError(o.reason) ? o.reason.code : o?.status;
      expect([codeOf(conflict), codeOf(missing), codeOf(exists)]).toEqual([
        'Conflict',
        'NotFound',
        'AlreadyExists',
      ]);
      expect(weightOf(await store.get(workloadId('w0')))).toBe(2);
      expect(await store.get(workloadId('missing'))).toBeUndefined();
    });

    it('compare-and-swap on one key: exactly one of many concurrent writers wins', async () => {
      const store = await ctx.open();
      const created = await store.create(workload('cas', 1));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.update(workload('cas', 10 + i), { expectedResourceVersion: rv(created) }),
        ),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      const losers = outcomes.filter((o) => o.status === 'rejected');
      expect(winners).toHaveLength(1);
      for (const loser of losers) {
        expect(isStoreError(loser.reason) && loser.reason.code).toBe('Conflict');
      }
      const winner = winners[0]?.status === 'fulfilled' ? winners[0].value : undefined;
      expect(await store.get(workloadId('cas'))).toEqual(winner);
    });

    it('read-modify-write loops on one key lose no update', async () => {
      const store = await ctx.open();
      await store.create(workload('counter', 0));
      const increment = async (): Promise<void> => {
        for (;;) {
          const current = await store.get(workloadId('counter'));
          try {
            await store.update(workload('counter', weightOf(current) + 1), {
              expectedResourceVersion: rv(current),
            });
            return;
          } catch (error) {
            if (!(isStoreError(error) && error.code === 'Conflict')) throw error;
          }
        }
      };
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 3; i++) await increment();
        }),
      );
      expect(weightOf(await store.get(workloadId('counter')))).toBe(24);
    });

    it('concurrent unconditional writes to one key all land, the last one stays', async () => {
      const store = await ctx.open();
      await store.create(workload('lww', 0));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.update(workload('lww', i + 1))),
      );
      const revisions = results.map((r) => Number(rv(r)));
      expect(new Set(revisions).size).toBe(10);
      const last = results[revisions.indexOf(Math.max(...revisions))];
      expect(await store.get(workloadId('lww'))).toEqual(last);
    });
  });
}
