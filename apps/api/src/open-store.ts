// The store the settings ask for.
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import type { Settings } from './settings';

export function openStore(settings: Settings): Store {
  if (settings.store === 'etcd') {
    return new EtcdStore({ endpoints: settings.etcdEndpoints, prefix: settings.etcdPrefix });
  }
  return new MemoryStore();
}
