import { describe, expect, it } from 'vitest';
import { recordWatch, service, storeError, summary, type ContractContext } from './fixtures';

interface Token {
  id: string;
  role: string;
}

function parseToken(value: unknown): Token {
  if (typeof value === 'object' && value !== null && 'id' in value && 'role' in value) {
    const { id, role } = value;
    if (typeof id === 'string' && typeof role === 'string') return { id, role };
  }
  throw new Error('not a token');
}

export function describeRecords(ctx: ContractContext): void {
  describe('record areas', () => {
    it('records are put, read, listed by id and deleted', async () => {
      const store = await ctx.open();
      const tokens = store.records('tokens', parseToken);
      await tokens.put('b', { id: 'b', role: 'viewer' });
      await tokens.put('a', { id: 'a', role: 'admin' });
      await tokens.put('a', { id: 'a', role: 'editor' });
      expect(await tokens.get('a')).toEqual({ id: 'a', role: 'editor' });
      expect(await tokens.get('missing')).toBeUndefined();
      expect(await tokens.list()).toEqual([
        { id: 'a', value: { id: 'a', role: 'editor' } },
        { id: 'b', value: { id: 'b', role: 'viewer' } },
      ]);
      expect(await tokens.delete('a')).toBe(true);
      expect(await tokens.delete('a')).toBe(false);
      expect(await store.records('other').list()).toEqual([]);
      expect((await storeError(tokens.put('x/y', { id: 'x', role: 'r' }))).code).toBe(
        'InvalidArgument',
      );
    });

    it('records are neither objects nor watch events', async () => {
      const store = await ctx.open();
      const watch = recordWatch(store, await store.revision());
      await store.records('tokens').put('t', { secret: 1 });
      await store.create(service('a'));
      await watch.waitForEvents(1);
      await watch.close();
      expect(watch.events.map(summary)).toEqual(['ADDED Service default/a']);
      expect((await store.list()).items).toHaveLength(1);
    });
  });
}
