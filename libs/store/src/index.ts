// @crossway/store: where the policy model lives. One Store contract, on etcd
// (EtcdStore) or in memory (MemoryStore), plus an informer that keeps a consumer in
// step across watch failures.
export { STORE_ERROR_CODES, StoreError, isStoreError, revisionRegressed } from './errors';
export type { RevisionRegression, StoreErrorCode, StoreErrorDetails } from './errors';
export { MAX_REQUEST_BYTES, MAX_TXN_OPS } from './limits';
export { DEFAULT_PREFIX } from './keys';
export { DEFAULT_MARKER_TTL_MS } from './apply-markers';
export { MemoryStore } from './memory-store';
export { DEFAULT_REQUEST_TIMEOUT_MS, EtcdStore, parseEndpoints } from './etcd-store';
export type { EtcdStoreOptions } from './etcd-store';
export { startInformer } from './informer';
export type { Informer, InformerHandlers, InformerOptions, SyncContext } from './informer';
export type {
  ApplyMarker,
  ApplyMarkerChange,
  LeasedRecordArea,
  LeaseSession,
  ListOptions,
  ListResult,
  ObjectId,
  RecordArea,
  Store,
  StoreOptions,
  TxOp,
  TxResult,
  VersionedRecord,
  Watch,
  WatchErrorListener,
  WatchEvent,
  WatchEventType,
  WatchListener,
  WatchOptions,
  WriteAllOptions,
  WriteOptions,
  WriteProgress,
} from './types';
export { openStoreFromSettings, storeEnvFields, type StoreSettings } from './store-settings';
