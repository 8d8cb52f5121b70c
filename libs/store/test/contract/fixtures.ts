// Shared pieces of the store contract suite: a fresh store per test, a controllable
// clock and uid source, object builders and a watch recorder.
import { API_VERSION, type CrosswayObject } from '@crossway/model';
import { afterEach, beforeEach } from 'vitest';
import { isStoreError, type Store, type StoreError, type WatchEvent } from '../../src/index';

export interface StoreFactoryOptions {
  /**
   * The test compacts, or asserts on the global revision: it needs a store no other
   * test writes to (for etcd: a private member rather than a prefix on a shared one).
   */
  exclusive: boolean;
  now: () => Date;
  newUid: () => string;
}

export interface OpenedStore {
  store: Store;
  dispose(): Promise<void>;
}

export type StoreFactory = (options: StoreFactoryOptions) => Promise<OpenedStore>;

export interface ContractContext {
  open(options?: { exclusive?: boolean }): Promise<Store>;
  /** Moves the injected clock forward. */
  advanceClock(ms: number): void;
  /** What the injected clock says now, as the store should write it. */
  timestamp(): string;
}

export const START = Date.parse('2026-11-27T19:00:00.250Z');

export function useContractContext(factory: StoreFactory): ContractContext {
  let opened: OpenedStore[] = [];
  let clock = START;
  let uids = 0;
  beforeEach(() => {
    clock = START;
    uids = 0;
  });
  afterEach(async () => {
    const closing = opened;
    opened = [];
    await Promise.all(closing.map((o) => o.dispose()));
  });
  return {
    open: async (options = {}) => {
      const result = await factory({
        exclusive: options.exclusive ?? false,
        now: () => new Date(clock),
        newUid: () => `uid-${++uids}`,
      });
      opened.push(result);
      return result.store;
    },
    advanceClock: (ms) => {
      clock += ms;
    },
    timestamp: () => `${new Date(clock).toISOString().slice(0, 19)}Z`,
  };
}

export function service(
  name: string,
  options: {
    namespace?: string;
    labels?: Record<string, string>;
    port?: number;
    extra?: Record<string, unknown>;
  } = {},
): CrosswayObject {
  const metadata =
    options.labels === undefined
      ? { name, namespace: options.namespace ?? 'default' }
      : { name, namespace: options.namespace ?? 'default', labels: options.labels };
  return {
    apiVersion: API_VERSION,
    kind: 'Service',
    metadata,
    spec: {
      ports: [{ name: 'http', port: options.port ?? 80, protocol: 'http' }],
      ...options.extra,
    },
  };
}

export function workload(name: string, weight: number, namespace = 'default'): CrosswayObject {
  return {
    apiVersion: API_VERSION,
    kind: 'Workload',
    metadata: { name, namespace },
    spec: { service: 'api', address: '10.0.0.1', weight, ports: [{ name: 'http', port: 8080 }] },
  };
}

export function mesh(
  spec: Record<string, unknown> = { trustDomain: 'example.org' },
): CrosswayObject {
  return { apiVersion: API_VERSION, kind: 'Mesh', metadata: { name: 'default' }, spec };
}

export function weightOf(object: CrosswayObject | undefined): number {
  const spec = object?.spec;
  if (
    typeof spec === 'object' &&
    spec !== null &&
    'weight' in spec &&
    typeof spec.weight === 'number'
  ) {
    return spec.weight;
  }
  throw new Error('object has no spec.weight');
}

export function rv(object: CrosswayObject | undefined): string {
  const value = object?.metadata.resourceVersion;
  if (value === undefined) throw new Error('object has no resourceVersion');
  return value;
}

/** Rejects with the StoreError a promise fails with, or fails the test if it succeeds. */
export async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    if (isStoreError(error)) return error;
    throw error;
  }
  throw new Error('expected a StoreError, but the call succeeded');
}

export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface WatchRecorder {
  events: WatchEvent[];
  batches: WatchEvent[][];
  errors: StoreError[];
  waitForEvents(count: number, timeoutMs?: number): Promise<void>;
  waitForError(timeoutMs?: number): Promise<StoreError>;
  close(): Promise<void>;
}

export function recordWatch(store: Store, afterRevision: number): WatchRecorder {
  const recorder: WatchRecorder = {
    events: [],
    batches: [],
    errors: [],
    waitForEvents: (count, timeoutMs) =>
      waitFor(
        `${count} watch events (have ${recorder.events.length})`,
        () => recorder.events.length >= count,
        timeoutMs,
      ),
    waitForError: async (timeoutMs) => {
      await waitFor('a watch error', () => recorder.errors.length > 0, timeoutMs);
      const [first] = recorder.errors;
      if (first === undefined) throw new Error('no watch error');
      return first;
    },
    close: () => watch.close(),
  };
  const watch = store.watch(
    afterRevision,
    (events) => {
      recorder.batches.push(events);
      recorder.events.push(...events);
    },
    (error) => recorder.errors.push(error),
  );
  return recorder;
}

/** The parts of an event a test can predict. */
export function summary(event: WatchEvent): string {
  const { kind, metadata } = event.object;
  return `${event.type} ${kind} ${metadata.namespace ?? ''}/${metadata.name}`;
}

/** `inner` with its list() replaced, to stage what happens between a list and a watch. */
export function interceptList(inner: Store, list: Store['list']): Store {
  return {
    get: (id) => inner.get(id),
    list,
    create: (object) => inner.create(object),
    update: (object, options) => inner.update(object, options),
    delete: (id, options) => inner.delete(id, options),
    transaction: (ops) => inner.transaction(ops),
    writeAll: (ops, options) => inner.writeAll(ops, options),
    openApplyMarkers: (options) => inner.openApplyMarkers(options),
    setStatus: (id, status) => inner.setStatus(id, status),
    watch: (after, listener, onError, options) => inner.watch(after, listener, onError, options),
    revision: () => inner.revision(),
    compact: (revision) => inner.compact(revision),
    records: (area, parse) => inner.records(area, parse),
    leasedRecords: (area, parse) => inner.leasedRecords(area, parse),
    close: () => inner.close(),
  };
}
