// The informer's own check of the store's revision: a store that answers a revision
// below what the informer handed over has gone back (restored from an older backup),
// even where no watch noticed. The informer re-lists and flags that sync, and never
// flags an ordinary one.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore, startInformer, type Informer, type SyncContext } from '../src/index';
import { interceptList, service, waitFor } from './contract/fixtures';

describe('informer revision check', () => {
  const informers: Informer[] = [];
  afterEach(async () => {
    for (const informer of informers.splice(0)) await informer.close();
  });

  it('re-lists with revisionWentBack when the store answers an older revision', async () => {
    const inner = new MemoryStore();
    await inner.create(service('a'));
    await inner.create(service('b'));
    const restored: { revision?: number } = {};
    const store = interceptList(inner, (options) => inner.list(options));
    store.revision = async () => restored.revision ?? (await inner.revision());
    const syncs: SyncContext[] = [];
    const errors: string[] = [];
    const informer = startInformer(
      store,
      {
        onSync: (_items, _revision, context) => syncs.push(context),
        onEvents: () => undefined,
        onError: (error) => errors.push(`${error.code}: ${error.message}`),
      },
      { revisionCheckMs: 20 },
    );
    informers.push(informer);
    await informer.synced;
    // Several checks pass with nothing to report.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(syncs).toEqual([{ revisionWentBack: false }]);
    restored.revision = informer.revision() - 1;
    await waitFor('a second sync', () => syncs.length >= 2);
    expect(syncs[1]).toEqual({ revisionWentBack: true });
    expect(errors[0]).toMatch(/^Compacted: store revision went back from \d+ to \d+/);
  });
});
