// One etcd watch, kept exactly-once across reconnects. The etcd3 client resumes a
// dropped stream from the header revision of the last response it saw, which can be
// ahead of the last event delivered (creation and catch-up responses carry the
// store's current revision). We resume from the last revision we delivered instead,
// and drop anything at or below it, so each event arrives once and in order.
// A store restored from an older backup has a revision below what we have seen: etcd
// would accept the resume from `delivered + 1` as a watch on a future revision and
// stay silent, so every (re)creation answer's header revision is checked against the
// highest revision this watch has seen, and a regression ends the watch (Compacted,
// with `regression` set) so its reader re-lists.
import type { Etcd3, IEvent, IWatchResponse } from 'etcd3';
import { revisionRegressed, type StoreError } from './errors';
import type { KeyRange } from './keys';
import type { KvEvent, KvWatch } from './kv';

function toEvent(event: IEvent): KvEvent {
  const key = event.kv.key.toString('utf8');
  const revision = Number(event.kv.mod_revision);
  if (event.type === 'Put') {
    return {
      type: 'put',
      key,
      revision,
      value: event.kv.value.toString('utf8'),
      version: Number(event.kv.version),
    };
  }
  const previous = event.prev_kv ? event.prev_kv.value.toString('utf8') : undefined;
  return previous === undefined
    ? { type: 'delete', key, revision, version: 0 }
    : { type: 'delete', key, revision, version: 0, previous };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function watchEtcd(
  client: Etcd3,
  range: KeyRange,
  startRevision: number,
  onEvents: (events: KvEvent[]) => void,
  /**
   * The server ended the watch; `nextRevision` is the first one not delivered. A
   * StoreError (the revision went back) needs no further classification.
   */
  onCancel: (error: unknown, nextRevision: number) => void,
): KvWatch {
  let delivered = startRevision - 1;
  /** The highest store revision any answer has shown; the store never goes below it. */
  let seenStore = 0;
  let stopped = false;
  let canceledByServer = false;
  // watcher() (not create()) attaches our listeners before anything can arrive.
  const watcher = client
    .watch()
    .inRange({ start: range.start, end: range.end })
    .withPreviousKV()
    .startRevision(String(startRevision))
    .watcher();

  const end = (error: StoreError): void => {
    if (stopped) return;
    stopped = true;
    canceledByServer = true; // close() has nothing left to do
    // The client still holds this watcher (the server did not cancel it).
    void Promise.race([watcher.cancel().catch(() => undefined), delay(1000)]);
    onCancel(error, delivered + 1);
  };
  watcher.on('connected', (response: IWatchResponse) => {
    if (stopped) return;
    const current = Number(response.header.revision);
    if (current < seenStore) end(revisionRegressed(seenStore, current));
    else seenStore = current;
  });
  watcher.on('data', (response: IWatchResponse) => {
    if (stopped) return;
    seenStore = Math.max(seenStore, Number(response.header.revision));
    if (response.events.length === 0) {
      // A progress notification: every event up to this revision has been sent.
      if (!response.created) delivered = Math.max(delivered, Number(response.header.revision));
      return;
    }
    const fresh = response.events.map(toEvent).filter((e) => e.revision > delivered);
    const last = fresh.at(-1);
    if (last === undefined) return;
    delivered = last.revision;
    onEvents(fresh);
  });
  watcher.on('disconnected', () => {
    watcher.request.start_revision = String(delivered + 1);
  });
  watcher.on('error', (error) => {
    // The client has already dropped this watcher; there is nothing left to cancel.
    canceledByServer = true;
    if (stopped) return;
    stopped = true;
    onCancel(error, delivered + 1);
  });

  return {
    close: async () => {
      stopped = true;
      if (canceledByServer) return;
      // Cancelling waits for etcd's answer; a dead etcd must not hang close().
      await Promise.race([watcher.cancel().catch(() => undefined), delay(1000)]);
    },
  };
}
