// Token records kept in the store's "tokens" record area (etcd or memory), so
// every API and control-plane replica sees issued and revoked tokens.
import type { Store } from '@crossway/store';
import type { TokenRecord, TokenRecords } from './tokens';

export function storeTokenRecords(store: Store): TokenRecords {
  const area = store.records<TokenRecord>('tokens');
  return {
    get: (id) => area.get(id),
    put: (record) => area.put(record.id, record),
    delete: (id) => area.delete(id),
    list: async () => (await area.list()).map((entry) => entry.value),
  };
}
