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

    it('create writes only when absent, and exactly one of racing creates wins', async () => {
      const store = await ctx.open();
      const tokens = store.records('tokens', parseToken);
      expect(await tokens.create('a', { id: 'a', role: 'first' })).toBe(true);
      expect(await tokens.create('a', { id: 'a', role: 'second' })).toBe(false);
      expect(await tokens.get('a')).toEqual({ id: 'a', role: 'first' });

      const roles = ['r0', 'r1', 'r2', 'r3', 'r4'];
      const results = await Promise.all(
        roles.map((role) => tokens.create('raced', { id: 'raced', role })),
      );
      expect(results.filter((created) => created)).toHaveLength(1);
      const winner = roles[results.indexOf(true)];
      expect(await tokens.get('raced')).toEqual({ id: 'raced', role: winner });

      expect(await tokens.delete('a')).toBe(true);
      expect(await tokens.create('a', { id: 'a', role: 'again' })).toBe(true);
      expect(await tokens.get('a')).toEqual({ id: 'a', role: 'again' });
    });

    it('replace writes only at the version read (compare-and-put)', async () => {
      const store = await ctx.open();
      const tokens = store.records('tokens', parseToken);
      expect(await tokens.getVersioned('t')).toBeUndefined();
      await tokens.put('t', { id: 't', role: 'v1' });
      const read = await tokens.getVersioned('t');
      expect(read?.value).toEqual({ id: 't', role: 'v1' });
      const version = read?.version ?? '';

      const results = await Promise.all([
        tokens.replace('t', version, { id: 't', role: 'x' }),
        tokens.replace('t', version, { id: 't', role: 'y' }),
      ]);
      expect(results.filter((written) => written)).toHaveLength(1);
      const now = await tokens.getVersioned('t');
      expect(now?.value.role).toBe(results[0] === true ? 'x' : 'y');
      expect(now?.version).not.toBe(version);
      // A stale version never overwrites, even with the same value.
      expect(await tokens.replace('t', version, { id: 't', role: 'stale' })).toBe(false);
      expect((await tokens.get('t'))?.role).toBe(now?.value.role);

      // Deleted since the read: replace does not resurrect it.
      expect(await tokens.delete('t')).toBe(true);
      expect(await tokens.replace('t', now?.version ?? '', { id: 't', role: 'z' })).toBe(false);
      expect(await tokens.get('t')).toBeUndefined();
      expect((await storeError(tokens.replace('t', 'nope', { id: 't', role: 'z' }))).code).toBe(
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
