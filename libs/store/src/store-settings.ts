// The store's process settings (CROSSWAY_STORE, CROSSWAY_ETCD_ENDPOINTS,
// CROSSWAY_ETCD_PREFIX), one schema for every app that opens a store, and the
// store they ask for.
import { z } from 'zod';
import { EtcdStore } from './etcd-store';
import { MemoryStore } from './memory-store';
import type { Store } from './types';

/** zod fields of the store's environment variables, to spread into an app's settings schema. */
export const storeEnvFields = {
  CROSSWAY_STORE: z.enum(['memory', 'etcd']).default('memory'),
  CROSSWAY_ETCD_ENDPOINTS: z
    .string()
    .default('http://127.0.0.1:2379')
    .transform((s) =>
      s
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== ''),
    )
    .refine(
      (list) => list.length > 0 && list.every((e) => /^https?:\/\/[^\s/]+$/.test(e)),
      'must be comma-separated URLs like http://127.0.0.1:2379',
    ),
  CROSSWAY_ETCD_PREFIX: z
    .string()
    .regex(/^\/[^\s]*[^/\s]$/, 'must start with "/" and not end with "/"')
    .default('/crossway'),
};

export interface StoreSettings {
  store: 'memory' | 'etcd';
  etcdEndpoints: string[];
  etcdPrefix: string;
}

export function openStoreFromSettings(settings: StoreSettings): Store {
  return settings.store === 'etcd'
    ? new EtcdStore({ endpoints: settings.etcdEndpoints, prefix: settings.etcdPrefix })
    : new MemoryStore();
}
