import { MemoryStore } from '../src/index';
import { describeStoreContract } from './contract/contract';

describeStoreContract('MemoryStore', async ({ now, newUid }) => {
  const store = new MemoryStore({ now, newUid });
  return { store, dispose: () => store.close() };
});
