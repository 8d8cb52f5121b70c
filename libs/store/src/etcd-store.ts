// The store on etcd: shared by every API and control-plane replica.
import { EtcdKv } from './etcd-kv';
import { KvStore } from './kv-store';
import type { StoreOptions } from './types';

export interface EtcdStoreOptions extends StoreOptions {
  /** Client URLs, as a list or comma separated: `http://127.0.0.1:2379`. */
  endpoints: string | readonly string[];
  /** Deadline of each etcd call, so an unreachable etcd fails fast. Default 2000 ms. */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 2000;

export function parseEndpoints(endpoints: string | readonly string[]): string[] {
  const list = typeof endpoints === 'string' ? endpoints.split(',') : endpoints;
  return list.map((e) => e.trim()).filter((e) => e !== '');
}

export class EtcdStore extends KvStore {
  constructor(options: EtcdStoreOptions) {
    const endpoints = parseEndpoints(options.endpoints);
    if (endpoints.length === 0) throw new Error('EtcdStore needs at least one endpoint');
    super(
      new EtcdKv({
        endpoints,
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      }),
      options,
    );
  }
}
