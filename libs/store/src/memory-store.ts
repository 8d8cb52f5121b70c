// The embedded default store: everything in process memory, with etcd's semantics
// (revisions, history, compaction, limits), so a single process runs without etcd.
import { KvStore } from './kv-store';
import { MemoryKv } from './memory-kv';
import type { StoreOptions } from './types';

export class MemoryStore extends KvStore {
  constructor(options: StoreOptions = {}) {
    super(new MemoryKv(), options);
  }
}
