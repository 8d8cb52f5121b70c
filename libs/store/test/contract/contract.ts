// The store contract (as Kuma's ExecuteStoreTests): every Store implementation runs
// this same suite, etcd included, so they cannot drift apart.
import { describe } from 'vitest';
import { describeChunkedWrites } from './chunked-writes';
import { describeConcurrentWrites } from './concurrent-writes';
import { describeCrud } from './crud';
import { describeInformerMarkers } from './informer-markers';
import { describeLeasedRecords } from './leased-records';
import { describeRecords } from './records';
import { useContractContext, type StoreFactory } from './fixtures';
import { describeStatusAndList } from './status-and-list';
import { describeTransactions } from './transactions';
import { describeWatch } from './watch';

export type { OpenedStore, StoreFactory, StoreFactoryOptions } from './fixtures';

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} store contract`, () => {
    const ctx = useContractContext(factory);
    describeCrud(ctx);
    describeTransactions(ctx);
    describeConcurrentWrites(ctx);
    describeChunkedWrites(ctx);
    describeStatusAndList(ctx);
    describeWatch(ctx);
    describeInformerMarkers(ctx);
    describeRecords(ctx);
    describeLeasedRecords(ctx);
  });
}
