import { etcdEndpointForTests, startEtcd, uniqueTestPrefix } from '@crossway/testing';
import { EtcdStore } from '../src/index';
import { describeStoreContract } from './contract/contract';

describeStoreContract('EtcdStore', async ({ exclusive, now, newUid }) => {
  if (!exclusive) {
    const store = new EtcdStore({
      endpoints: await etcdEndpointForTests(),
      prefix: uniqueTestPrefix('store'),
      now,
      newUid,
    });
    return { store, dispose: () => store.close() };
  }
  // Compaction and revision checks need an etcd no other test writes to.
  const etcd = await startEtcd();
  const store = new EtcdStore({ endpoints: etcd.endpoint, now, newUid });
  return {
    store,
    dispose: async () => {
      await store.close();
      await etcd.stop();
    },
  };
});
