// Store watches over a KvBackend watch: object keys become WatchEvents, and (when
// asked for) apply-marker keys become marker changes on the same stream, so a reader
// never sees a change before the marker it was written under.
import { API_VERSION, type CrosswayObject } from '@crossway/model';
import { markerChange } from './apply-markers';
import { decodeObject } from './codec';
import { StoreError } from './errors';
import { prefixRange, type KeyLayout } from './keys';
import type { KvBackend, KvEvent, KvWatch } from './kv';
import { present } from './metadata';
import type {
  ApplyMarkerChange,
  Watch,
  WatchErrorListener,
  WatchEvent,
  WatchListener,
  WatchOptions,
} from './types';

export interface WatchHost {
  backend: KvBackend;
  layout: KeyLayout;
  /** Whether the store was closed when the watch was asked for. */
  closed: boolean;
  /** Open backend watches, closed with the store. */
  watches: Set<KvWatch>;
}

function toStoreError(error: unknown): StoreError {
  return error instanceof StoreError
    ? error
    : new StoreError('Internal', String(error), { cause: error });
}

export function startWatch(
  host: WatchHost,
  afterRevision: number,
  listener: WatchListener,
  onError: WatchErrorListener,
  options: WatchOptions,
): Watch {
  const { backend, layout } = host;
  let done = false;
  // Filled in below; fail() may in principle run before backend.watch() returns.
  const handle: { watch?: KvWatch } = {};
  const stop = async (): Promise<void> => {
    done = true;
    if (handle.watch === undefined) return;
    host.watches.delete(handle.watch);
    await handle.watch.close();
  };
  const fail = (error: StoreError): void => {
    if (done) return;
    void stop();
    onError(error);
  };
  if (host.closed) {
    const error = new StoreError('Unavailable', 'the store is closed');
    setImmediate(() => fail(error));
    const ready = Promise.reject(error);
    ready.catch(() => undefined);
    return { ready, close: stop };
  }
  const onApplyMarker = options.onApplyMarker;
  const deliver = (events: KvEvent[]): void => {
    if (done) return;
    // Everything is converted first: a batch that cannot be read is not half delivered.
    const items: (WatchEvent | ApplyMarkerChange)[] = [];
    try {
      for (const event of events) {
        if (event.key.startsWith(layout.objects)) items.push(watchEvent(layout, event));
        else if (onApplyMarker !== undefined && event.key.startsWith(layout.applyMarkers))
          items.push(markerChange(event, layout));
      }
    } catch (error) {
      fail(toStoreError(error));
      return;
    }
    let run: WatchEvent[] = [];
    for (const item of items) {
      if (item.type === 'OPENED' || item.type === 'CLOSED') {
        if (run.length > 0) listener(run);
        run = [];
        if (done) return;
        onApplyMarker?.(item);
        if (done) return;
      } else {
        run.push(item);
      }
    }
    if (run.length > 0) listener(run);
  };
  const range =
    onApplyMarker === undefined ? prefixRange(layout.objects) : layout.markersAndObjectsRange();
  const watch = backend.watch(range, afterRevision + 1, deliver, fail);
  handle.watch = watch;
  if (done) void watch.close();
  else host.watches.add(watch);
  const ready = checkWatchable(host, afterRevision + 1).catch((error: unknown) => {
    const failure = toStoreError(error);
    fail(failure);
    throw failure;
  });
  // Callers that only use onError need not observe `ready`.
  ready.catch(() => undefined);
  return { ready, close: stop };
}

/** Fails with Compacted when `revision` can no longer be read (so not watched either). */
async function checkWatchable(host: WatchHost, revision: number): Promise<void> {
  const current = await host.backend.currentRevision();
  if (revision > current) return;
  await host.backend.range(prefixRange(host.layout.objects), { revision, limit: 1 });
}

function watchEvent(layout: KeyLayout, event: KvEvent): WatchEvent {
  if (event.type === 'put') {
    const object = decodeObject(event.value ?? '', event.key);
    return {
      type: event.version === 1 ? 'ADDED' : 'MODIFIED',
      revision: event.revision,
      object: present(object, event.revision),
    };
  }
  const object =
    event.previous === undefined
      ? objectFromKey(layout, event.key)
      : decodeObject(event.previous, event.key);
  return { type: 'DELETED', revision: event.revision, object: present(object, event.revision) };
}

/** A bare object named by its key, for a delete whose previous value etcd no longer had. */
function objectFromKey(layout: KeyLayout, key: string): CrosswayObject {
  const id = layout.idOfObjectKey(key);
  if (id === undefined)
    throw new StoreError('Internal', `unexpected key ${key} under the objects prefix`);
  const metadata =
    id.namespace === undefined ? { name: id.name } : { name: id.name, namespace: id.namespace };
  return { apiVersion: API_VERSION, kind: id.kind, metadata, spec: {} };
}
