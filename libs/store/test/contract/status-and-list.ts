import { parseLabelSelector, type LabelSelector } from '@crossway/model';
import { describe, expect, it } from 'vitest';
import type { CrosswayObject } from '@crossway/model';
import { mesh, rv, service, storeError, workload, type ContractContext } from './fixtures';

const names = (items: CrosswayObject[]) =>
  items.map((o) => `${o.kind}:${o.metadata.namespace ?? ''}/${o.metadata.name}`);

function selector(text: string): LabelSelector {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.selector;
}

export function describeStatusAndList(ctx: ContractContext): void {
  describe('status', () => {
    const id = { kind: 'Service' as const, namespace: 'default', name: 'api' };

    it('status writes change neither resourceVersion nor generation and show in get, list and updates', async () => {
      const store = await ctx.open();
      const created = await store.create(service('api'));
      const status = {
        conditions: [
          { type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: '' },
        ],
      };
      await store.setStatus(id, status);
      const read = await store.get(id);
      expect(read?.status).toEqual(status);
      expect(read?.metadata).toEqual(created.metadata);
      expect((await store.list({ kind: 'Service' })).items).toEqual([read]);
      // The client's resourceVersion is still good after a status write: no 409.
      const updated = await store.update(service('api', { port: 81 }), {
        expectedResourceVersion: rv(created),
      });
      expect(updated.status).toEqual(status);
      expect(updated.metadata.generation).toBe(2);
    });

    it('status sent with an object on update is ignored', async () => {
      const store = await ctx.open();
      await store.create(service('api'));
      const withStatus = service('api', { port: 81 });
      withStatus.status = { keySha256: 'forged' };
      expect((await store.update(withStatus)).status).toBeUndefined();
    });

    it('delete removes the status with the object', async () => {
      const store = await ctx.open();
      await store.create(service('api'));
      await store.setStatus(id, { conditions: [] });
      expect((await store.delete(id)).status).toEqual({ conditions: [] });
      await store.create(service('api'));
      expect((await store.get(id))?.status).toBeUndefined();
    });

    it('setStatus of a missing object fails with NotFound', async () => {
      const store = await ctx.open();
      expect((await storeError(store.setStatus(id, { conditions: [] }))).code).toBe('NotFound');
      await store.create(service('api'));
      expect((await store.get(id))?.status).toBeUndefined();
    });
  });

  describe('list', () => {
    async function seed(ctxStore: Awaited<ReturnType<ContractContext['open']>>): Promise<void> {
      await ctxStore.transaction([
        {
          op: 'create',
          object: service('b', { namespace: 'shop', labels: { team: 'pay', tier: 'web' } }),
        },
        { op: 'create', object: service('a', { namespace: 'shop', labels: { team: 'pay' } }) },
        { op: 'create', object: service('a', { namespace: 'bank', labels: { team: 'core' } }) },
        { op: 'create', object: service('z', { namespace: 'default' }) },
        { op: 'create', object: workload('w', 1, 'shop') },
        { op: 'create', object: mesh() },
      ]);
    }

    it('lists by kind, by kind and namespace, by namespace across kinds and everything, sorted by key', async () => {
      const store = await ctx.open();
      await seed(store);
      expect(names((await store.list({ kind: 'Service' })).items)).toEqual([
        'Service:bank/a',
        'Service:default/z',
        'Service:shop/a',
        'Service:shop/b',
      ]);
      expect(names((await store.list({ kind: 'Service', namespace: 'shop' })).items)).toEqual([
        'Service:shop/a',
        'Service:shop/b',
      ]);
      expect(names((await store.list({ namespace: 'shop' })).items)).toEqual([
        'Service:shop/a',
        'Service:shop/b',
        'Workload:shop/w',
      ]);
      expect(names((await store.list({ kind: 'Mesh' })).items)).toEqual(['Mesh:/default']);
      const all = await store.list();
      expect(names(all.items)).toEqual([
        'Mesh:/default',
        'Service:bank/a',
        'Service:default/z',
        'Service:shop/a',
        'Service:shop/b',
        'Workload:shop/w',
      ]);
      // Other tests may share the etcd: its revision can only have moved on.
      expect(all.revision).toBeLessThanOrEqual(await store.revision());
      expect(all.revision).toBeGreaterThanOrEqual(
        Number(all.items.at(-1)?.metadata.resourceVersion),
      );
      expect(all.continue).toBeUndefined();
    });

    it('lists by label selector', async () => {
      const store = await ctx.open();
      await seed(store);
      expect(names((await store.list({ labelSelector: selector('team=pay') })).items)).toEqual([
        'Service:shop/a',
        'Service:shop/b',
      ]);
      expect(
        names(
          (
            await store.list({
              kind: 'Service',
              labelSelector: selector('team in (pay,core), !tier'),
            })
          ).items,
        ),
      ).toEqual(['Service:bank/a', 'Service:shop/a']);
      expect((await store.list({ labelSelector: selector('team=none') })).items).toEqual([]);
    });

    it('pages show the first page’s revision: later writes do not appear and every item comes once', async () => {
      const store = await ctx.open();
      await store.transaction(
        ['a', 'b', 'c', 'd', 'e'].map((n) => ({ op: 'create', object: service(n) })),
      );
      const first = await store.list({ kind: 'Service', limit: 2 });
      expect(names(first.items)).toEqual(['Service:default/a', 'Service:default/b']);
      expect(first.continue).toBeDefined();
      await store.create(service('bb'));
      await store.delete({ kind: 'Service', namespace: 'default', name: 'c' });
      await store.update(service('d', { port: 99 }));
      const seen = [...first.items];
      let token = first.continue;
      while (token !== undefined) {
        const page = await store.list({ kind: 'Service', limit: 2, continue: token });
        expect(page.revision).toBe(first.revision);
        seen.push(...page.items);
        token = page.continue;
      }
      expect(names(seen)).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => `Service:default/${n}`));
      expect(seen.find((o) => o.metadata.name === 'd')?.metadata.generation).toBe(1);
      const now = await store.list({ kind: 'Service' });
      expect(names(now.items)).toEqual(
        ['a', 'b', 'bb', 'd', 'e'].map((n) => `Service:default/${n}`),
      );
    });

    it('pages with a label selector hold up to limit matches', async () => {
      const store = await ctx.open();
      await store.transaction(
        Array.from({ length: 12 }, (_, i) => ({
          op: 'create' as const,
          object: service(`s${String(i).padStart(2, '0')}`, {
            labels: { pick: i % 4 === 0 ? 'yes' : 'no' },
          }),
        })),
      );
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await store.list({
          labelSelector: selector('pick=yes'),
          limit: 2,
          ...(token ? { continue: token } : {}),
        });
        pages.push(page.items.map((o) => o.metadata.name));
        token = page.continue;
      } while (token !== undefined);
      expect(pages.flat()).toEqual(['s00', 's04', 's08']);
      expect(pages[0]).toEqual(['s00', 's04']);
    });

    it('a malformed or foreign continue token fails with InvalidContinue', async () => {
      const store = await ctx.open();
      await store.transaction(['a', 'b', 'c'].map((n) => ({ op: 'create', object: service(n) })));
      expect((await storeError(store.list({ continue: 'not-a-token' }))).code).toBe(
        'InvalidContinue',
      );
      const page = await store.list({ kind: 'Service', limit: 1 });
      const foreign = await storeError(
        store.list({ kind: 'Workload', continue: page.continue ?? '' }),
      );
      expect(foreign.code).toBe('InvalidContinue');
      const future = Buffer.from(JSON.stringify({ rv: 1e12, k: 'services/default/b' })).toString(
        'base64url',
      );
      expect((await storeError(store.list({ kind: 'Service', continue: future }))).code).toBe(
        'InvalidContinue',
      );
    });

    it('a later page whose revision was compacted fails with Compacted', async () => {
      const store = await ctx.open({ exclusive: true });
      await store.transaction(['a', 'b', 'c'].map((n) => ({ op: 'create', object: service(n) })));
      const first = await store.list({ kind: 'Service', limit: 1 });
      await store.update(service('a', { port: 1 }));
      await store.compact(await store.revision());
      const error = await storeError(
        store.list({ kind: 'Service', limit: 1, continue: first.continue ?? '' }),
      );
      expect(error.code).toBe('Compacted');
    });
  });
}
